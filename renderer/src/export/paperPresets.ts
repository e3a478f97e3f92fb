/**
 * Figure sizes and fonts for papers. The venue widths are the text block of each venue's LaTeX
 * style (docs/ui.md, "Export", names the style files and their lengths): a figure exported at
 * the column or text width is placed at 100% and its fonts keep their point size. Heights are a
 * starting point (about 0.7 of a column, 0.4 of a text width).
 */
export interface PaperPreset {
  id: string;
  label: string;
  widthIn: number;
  heightIn: number;
  fontSize: number;
}

/** TeX points (the unit of \textwidth in .sty/.cls files) per inch. */
const TEX_PT = 72.27;

export const PAPER_PRESETS = [
  { id: 'single-column', label: 'Single column (3.3 in)', widthIn: 3.3, heightIn: 2.4, fontSize: 8 },
  { id: 'double-column', label: 'Double column (7 in)', widthIn: 7, heightIn: 3, fontSize: 9 },
  // NeurIPS and ICLR are one-column: a full-width figure, or one of two side by side.
  { id: 'neurips-iclr-text', label: 'NeurIPS/ICLR text width (5.5 in)', widthIn: 5.5, heightIn: 2.4, fontSize: 9 },
  { id: 'neurips-iclr-half', label: 'NeurIPS/ICLR half width (2.7 in)', widthIn: 2.7, heightIn: 2.1, fontSize: 8 },
  { id: 'icml-column', label: 'ICML column (3.25 in)', widthIn: 3.25, heightIn: 2.4, fontSize: 8 },
  { id: 'icml-text', label: 'ICML text width (6.75 in)', widthIn: 6.75, heightIn: 2.7, fontSize: 9 },
  { id: 'acl-column', label: 'ACL column (7.7 cm)', widthIn: 7.7 / 2.54, heightIn: 2.2, fontSize: 8 },
  { id: 'acl-text', label: 'ACL text width (16 cm)', widthIn: 16 / 2.54, heightIn: 2.6, fontSize: 9 },
  { id: 'ieee-column', label: 'IEEE column (252 pt)', widthIn: 252 / TEX_PT, heightIn: 2.5, fontSize: 8 },
  { id: 'ieee-text', label: 'IEEE text width (516 pt)', widthIn: 516 / TEX_PT, heightIn: 2.8, fontSize: 9 },
  { id: 'slide', label: 'Slide (10 in)', widthIn: 10, heightIn: 5.6, fontSize: 14 },
] as const satisfies readonly PaperPreset[];

export type PaperPresetId = (typeof PAPER_PRESETS)[number]['id'];

/**
 * Fonts of the exports. Arimo and Tinos (SIL Open Font License 1.1, which allows embedding) have
 * the metrics of Arial/Helvetica and Times New Roman: the PDF embeds them, the SVG names them
 * first and falls back to the fonts they stand in for, with the same text widths either way.
 */
export const PAPER_FONTS = [
  { id: 'sans', label: 'Arimo (Helvetica/Arial metrics)', family: 'Arimo', css: 'Arimo, Helvetica, Arial, sans-serif' },
  { id: 'serif', label: 'Tinos (Times metrics)', family: 'Tinos', css: 'Tinos, Times New Roman, Times, serif' },
] as const;
export type PaperFontId = (typeof PAPER_FONTS)[number]['id'];

export const POINTS_PER_INCH = 72;

export interface ExportSettings {
  preset: PaperPresetId;
  font: PaperFontId;
  fontSize: number;
  /** PNG resolution; the figure's physical size stays that of the preset. */
  dpi: number;
  /** Draw the figure's title into the file (papers usually leave it to the caption). */
  includeTitle?: boolean;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = {
  preset: 'single-column',
  font: 'sans',
  fontSize: 8,
  dpi: 300,
  includeTitle: false,
};

export function presetById(id: string): PaperPreset {
  return PAPER_PRESETS.find((p) => p.id === id) ?? PAPER_PRESETS[0];
}
