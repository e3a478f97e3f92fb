import type { FigureSpec, PlotlyLayout } from '../figures/figureData';
import { placeFigure } from '../figures/figureLayout';
import { OKABE_ITO } from '../figures/palette';
import { PAPER_FONTS, POINTS_PER_INCH, presetById, type ExportSettings } from './paperPresets';

/**
 * The figure as it goes into a paper: sized in points (1 Plotly px = 1 pt, so a 3.3 in figure is
 * 237.6 units wide and an 8 "px" font is 8 pt once the SVG is declared 3.3 in wide), black on
 * white, the colour-blind-safe palette, the legend and labels placed outside the data area as on
 * screen (figures/figureLayout.ts). Stacked panels may make the figure taller than the preset.
 */
export function paperFigure(
  figure: FigureSpec,
  settings: ExportSettings,
  options: { title?: string } = {},
): { spec: FigureSpec; widthPt: number; heightPt: number } {
  const preset = presetById(settings.preset);
  // Rounded to 1/100 pt so that 2.4 in reads 172.8, not 172.79999999999998, in the files.
  const widthPt = Math.round(preset.widthIn * POINTS_PER_INCH * 100) / 100;
  const size = settings.fontSize;
  const family = PAPER_FONTS.find((f) => f.id === settings.font)?.css ?? PAPER_FONTS[0].css;
  const placed = placeFigure(figure, {
    width: widthPt,
    height: Math.round(preset.heightIn * POINTS_PER_INCH * 100) / 100,
    fontSize: size,
    title: settings.includeTitle ? options.title : undefined,
  });
  const heightPt = placed.height;
  const axis = (own: unknown) => ({
    ...(own as object),
    gridcolor: '#dddddd',
    linecolor: '#000000',
    zerolinecolor: '#bbbbbb',
    showline: true,
    ticks: 'outside',
    ticklen: size / 2,
    tickfont: { size: size - 1 },
    automargin: true,
  });
  const layout: Record<string, unknown> = {
    ...placed.layout,
    width: widthPt,
    height: heightPt,
    autosize: false,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    font: { family, size, color: '#000000' },
    colorway: OKABE_ITO,
  };
  for (const [key, value] of Object.entries(placed.layout)) {
    if (/^[xy]axis\d*$/.test(key)) layout[key] = axis(value);
  }
  // Data labels (the W next to each point) follow the chosen size too.
  const data = figure.data.map((trace) => {
    const t = trace as Record<string, unknown>;
    return t.textfont ? { ...t, textfont: { ...(t.textfont as object), size: size - 1 } } : trace;
  }) as FigureSpec['data'];
  return { spec: { ...figure, data, layout: layout as PlotlyLayout, finish: undefined }, widthPt, heightPt };
}
