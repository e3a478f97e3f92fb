import type { FigureSpec, PlotlyLayout } from '../figures/figureData';
import { OKABE_ITO } from '../figures/palette';
import { PAPER_FONTS, POINTS_PER_INCH, presetById, type ExportSettings } from './paperPresets';

/**
 * The figure as it goes into a paper: sized in points (1 Plotly px = 1 pt, so a 3.3 in figure is
 * 237.6 units wide and an 8 "px" font is 8 pt once the SVG is declared 3.3 in wide), black on
 * white, the colour-blind-safe palette, margins in proportion to the font.
 */
export function paperFigure(
  figure: FigureSpec,
  settings: ExportSettings,
): { spec: FigureSpec; widthPt: number; heightPt: number } {
  const preset = presetById(settings.preset);
  // Rounded to 1/100 pt so that 2.4 in reads 172.8, not 172.79999999999998, in the files.
  const widthPt = Math.round(preset.widthIn * POINTS_PER_INCH * 100) / 100;
  const heightPt = Math.round(preset.heightIn * POINTS_PER_INCH * 100) / 100;
  const size = settings.fontSize;
  const family = PAPER_FONTS.find((f) => f.id === settings.font)?.css ?? PAPER_FONTS[0].css;
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
    ...figure.layout,
    width: widthPt,
    height: heightPt,
    autosize: false,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    font: { family, size, color: '#000000' },
    colorway: OKABE_ITO,
    margin: { l: size * 4.5, r: size, t: size * 1.8, b: size * 4, pad: 0 },
    // Inside the plot, top right, as papers usually place it: at a column's width a legend above
    // or beside the plot would take a third of the figure (Plotly's legend items are ≥ 30 pt wide).
    legend: {
      orientation: 'v',
      x: 1,
      xanchor: 'right',
      y: 1,
      yanchor: 'top',
      font: { size: size - 1 },
      itemwidth: 30,
      tracegroupgap: 0,
      bgcolor: 'rgba(255,255,255,0.85)',
      borderwidth: 0,
    },
    annotations: (figure.layout.annotations ?? []).map((a) => ({ ...a, font: { ...(a.font ?? {}), size: size - 1 } })),
  };
  for (const [key, value] of Object.entries(figure.layout)) {
    if (/^[xy]axis\d*$/.test(key)) layout[key] = axis(value);
  }
  // Data labels (the W next to each point) follow the chosen size too.
  const data = figure.data.map((trace) => {
    const t = trace as Record<string, unknown>;
    return t.textfont ? { ...t, textfont: { ...(t.textfont as object), size: size - 1 } } : trace;
  }) as FigureSpec['data'];
  return { spec: { ...figure, data, layout: layout as PlotlyLayout }, widthPt, heightPt };
}
