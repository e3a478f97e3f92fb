/**
 * Figure sizes and fonts for papers. Widths follow the common two-column templates (IEEE,
 * ACM, NeurIPS/ICML single column ≈ 3.25–3.35 in, full text width ≈ 6.75–7 in); fonts stay at
 * 7–9 pt so that labels match a caption's size once placed at 100%.
 */
export interface PaperPreset {
  id: 'single-column' | 'double-column' | 'slide';
  label: string;
  widthIn: number;
  heightIn: number;
  fontSize: number;
}

export const PAPER_PRESETS: readonly PaperPreset[] = [
  { id: 'single-column', label: 'Single column (3.3 in)', widthIn: 3.3, heightIn: 2.4, fontSize: 8 },
  { id: 'double-column', label: 'Double column (7 in)', widthIn: 7, heightIn: 3, fontSize: 9 },
  { id: 'slide', label: 'Slide (10 in)', widthIn: 10, heightIn: 5.6, fontSize: 14 },
];

/**
 * Font families that exist both in browsers and among PDF's standard fonts (the PDF writer
 * maps them to Helvetica and Times without embedding a font file).
 */
export const PAPER_FONTS = [
  { id: 'sans', label: 'Helvetica / Arial', css: 'Helvetica, Arial, sans-serif' },
  { id: 'serif', label: 'Times', css: 'Times New Roman, Times, serif' },
] as const;
export type PaperFontId = (typeof PAPER_FONTS)[number]['id'];

export const POINTS_PER_INCH = 72;

export interface ExportSettings {
  preset: PaperPreset['id'];
  font: PaperFontId;
  fontSize: number;
  /** PNG resolution; the figure's physical size stays that of the preset. */
  dpi: number;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = { preset: 'single-column', font: 'sans', fontSize: 8, dpi: 300 };

export function presetById(id: PaperPreset['id']): PaperPreset {
  return PAPER_PRESETS.find((p) => p.id === id) ?? PAPER_PRESETS[0]!;
}
