import arimoUrl from '@expo-google-fonts/arimo/400Regular/Arimo_400Regular.ttf?url';
import tinosUrl from '@expo-google-fonts/tinos/400Regular/Tinos_400Regular.ttf?url';
import { PAPER_FONTS, type PaperFontId } from './paperPresets';

/**
 * The export fonts as TrueType files shipped in the bundle (fetched on the first export, ~300 kB
 * each). Arimo and Tinos carry the SIL Open Font License 1.1, which allows embedding.
 */
const FILES: Record<PaperFontId, string> = { sans: arimoUrl, serif: tinosUrl };

const loaded = new Map<PaperFontId, Promise<ArrayBuffer>>();

export function fontBytes(id: PaperFontId): Promise<ArrayBuffer> {
  let bytes = loaded.get(id);
  if (!bytes) {
    bytes = fetch(FILES[id]).then((response) => {
      if (!response.ok) throw new Error(`export font ${FILES[id]}: HTTP ${response.status}`);
      return response.arrayBuffer();
    });
    loaded.set(id, bytes);
  }
  return bytes;
}

/**
 * Makes the font available to the page, so Plotly lays the figure out with the very widths the
 * PDF will have (SVG and PNG fall back to Helvetica/Arial or Times, which share those widths).
 */
export async function loadExportFont(id: PaperFontId): Promise<void> {
  const family = PAPER_FONTS.find((f) => f.id === id)!.family;
  if ([...document.fonts].some((f) => f.family === family)) return;
  const face = new FontFace(family, await fontBytes(id));
  document.fonts.add(await face.load());
}

/**
 * Registers the font with jsPDF under its family name (what the SVG's font-family names, so
 * svg2pdf picks it) and renames the PDF font to a subset name ("ZWBSNS+Arimo"): jsPDF writes only
 * the glyphs used, and the six-letter tag is how a PDF says its font is a subset (PDF 1.7,
 * 9.6.4), which publishers' checkers look for. Every style maps to the regular face, so no text
 * can fall back to an unembedded standard font.
 */
export async function embedExportFont(pdf: PdfFonts, id: PaperFontId): Promise<void> {
  const family = PAPER_FONTS.find((f) => f.id === id)!.family;
  const bytes = new Uint8Array(await fontBytes(id));
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  pdf.addFileToVFS(`${family}.ttf`, binary);
  for (const style of STYLES) pdf.addFont(`${family}.ttf`, family, style);
  for (const style of STYLES) pdf.getFont(family, style).fontName = `ZWB${id === 'sans' ? 'SNS' : 'SRF'}+${family}`;
}

const STYLES = ['normal', 'bold', 'italic', 'bolditalic'];

/** The part of jsPDF's API that fonts need. */
interface PdfFonts {
  addFileToVFS(name: string, data: string): unknown;
  addFont(file: string, family: string, style: string): unknown;
  getFont(family: string, style: string): { fontName: string };
}
