import type { FigureSpec } from '../figures/figureData';
import { loadPlotly } from '../figures/plotlyLoader';
import { toCsv } from './csv';
import { embedExportFont, loadExportFont } from './exportFonts';
import { paperFigure } from './paperLayout';
import { POINTS_PER_INCH, type ExportSettings } from './paperPresets';
import { withPngDpi } from './pngResolution';

export type ExportFormat = 'svg' | 'pdf' | 'png' | 'csv';

export interface FigureFile {
  blob: Blob;
  extension: ExportFormat;
  mime: string;
}

const MIME: Record<ExportFormat, string> = {
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  png: 'image/png',
  csv: 'text/csv',
};

/**
 * Renders a figure into a file for a paper. Plotly draws it off-screen at the preset's size in
 * points; SVG is declared in inches so fonts come out at their point size, PNG is drawn at
 * scale DPI/72 and carries its DPI, PDF is the same SVG turned into vector PDF in the renderer
 * (jsPDF + svg2pdf.js, loaded only when a PDF is asked for; see docs/ui.md for why) with its
 * font embedded as a subset.
 */
export async function renderFigureFile(
  figure: FigureSpec,
  format: ExportFormat,
  settings: ExportSettings,
  title = 'figure',
): Promise<FigureFile> {
  if (format === 'csv') {
    return file(new Blob([toCsv(figure.table.columns, figure.table.rows)], { type: MIME.csv }), 'csv');
  }
  if (figure.empty) throw new Error(figure.empty);
  // Laid out with the export font itself, so the PDF's text has the widths Plotly planned for.
  await loadExportFont(settings.font);
  const { spec, widthPt, heightPt } = paperFigure(figure, settings, { title });
  const Plotly = await loadPlotly();
  const plotly = { data: spec.data, layout: spec.layout, config: { staticPlot: true } };
  if (format === 'png') {
    const url = await Plotly.toImage(plotly, {
      format: 'png',
      width: widthPt,
      height: heightPt,
      scale: settings.dpi / POINTS_PER_INCH,
    });
    return file(
      new Blob([withPngDpi(dataUrlBytes(url), settings.dpi) as Uint8Array<ArrayBuffer>], { type: MIME.png }),
      'png',
    );
  }
  const url = await Plotly.toImage(plotly, { format: 'svg', width: widthPt, height: heightPt });
  const svg = physicalSvg(decodeURIComponent(url.slice(url.indexOf(',') + 1)), widthPt, heightPt);
  if (format === 'svg') return file(new Blob([svg], { type: MIME.svg }), 'svg');
  return file(await svgToPdf(svg, { widthPt, heightPt, title, font: settings.font }), 'pdf');
}

function file(blob: Blob, extension: ExportFormat): FigureFile {
  return { blob, extension, mime: MIME[extension] };
}

/** Declares the SVG's size in inches (its user units stay points, via the viewBox). */
export function physicalSvg(svg: string, widthPt: number, heightPt: number): string {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  root.setAttribute('viewBox', `0 0 ${widthPt} ${heightPt}`);
  root.setAttribute('width', `${round(widthPt / POINTS_PER_INCH)}in`);
  root.setAttribute('height', `${round(heightPt / POINTS_PER_INCH)}in`);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(root);
}

async function svgToPdf(
  svg: string,
  options: { widthPt: number; heightPt: number; title: string; font: ExportSettings['font'] },
): Promise<Blob> {
  const [{ jsPDF }, { svg2pdf }] = await Promise.all([import('jspdf'), import('svg2pdf.js')]);
  const { widthPt, heightPt } = options;
  const pdf = new jsPDF({
    unit: 'pt',
    format: [widthPt, heightPt],
    orientation: widthPt > heightPt ? 'landscape' : 'portrait',
    compress: true,
    // Without this jsPDF lists all 14 standard fonts on the page, none of them embedded.
    putOnlyUsedFonts: true,
  });
  pdf.setProperties({ title: options.title, creator: 'Z1 Workbench' });
  await embedExportFont(pdf, options.font);
  // svg2pdf reads computed styles, so the SVG must be in the document while it converts.
  const holder = document.createElement('div');
  holder.style.cssText = 'position:fixed;left:-10000px;top:0;visibility:hidden';
  holder.innerHTML = svg.replace(/^<\?xml[^>]*>\s*/, '');
  document.body.appendChild(holder);
  try {
    await svg2pdf(holder.querySelector('svg')!, pdf, { x: 0, y: 0, width: widthPt, height: heightPt });
  } finally {
    holder.remove();
  }
  return pdf.output('blob');
}

function dataUrlBytes(url: string): Uint8Array {
  const binary = atob(url.slice(url.indexOf(',') + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
