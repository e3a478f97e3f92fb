import type { FigureSpec, PlotlyLayout } from './figureData';
import { textWidth } from './textWidth';

export interface LayoutTarget {
  /** Figure size in Plotly px (= pt in paper exports). */
  width: number;
  height: number;
  fontSize: number;
  /** Drawn above everything when given (the plot cell's title). */
  title?: string;
}

export interface PlacedFigure {
  layout: PlotlyLayout;
  /** The figure's height: the target's, or more when stacked panels need it to stay readable. */
  height: number;
}

/** Legend entries as Plotly will draw them: traces with a name not hidden from the legend. */
export function legendNames(spec: FigureSpec): string[] {
  if (spec.layout.showlegend === false) return [];
  const names = spec.data
    .filter((t) => (t as { showlegend?: boolean }).showlegend !== false && (t as { name?: string }).name)
    .map((t) => String((t as { name?: string }).name));
  const unique = [...new Set(names)];
  return spec.layout.showlegend === true || unique.length > 1 ? unique : [];
}

/** Plotly's legend rows: an entry is at least 16 px tall plus 3, and rows are 5 px apart. */
export function legendRowHeight(fontSize: number): number {
  return Math.max(19, fontSize * 1.3 + 3) + 5;
}

/**
 * The rows a horizontal legend takes at this width: Plotly draws each entry as a 40 px sample
 * plus its text and wraps entries that do not fit. Errs towards more rows.
 */
export function legendRows(names: readonly string[], width: number, fontSize: number): number {
  if (names.length === 0) return 0;
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const item = 50 + textWidth(name, fontSize) * 1.15;
    if (used > 0 && used + item > width - 16) {
      rows++;
      used = 0;
    }
    used += item;
  }
  return rows;
}

/**
 * Where everything goes around the plot, shared by the screen and the paper layouts so a figure
 * looks the same in both: the title at the top, then the legend (horizontal, outside the data
 * area), then labels the figure places above the plot (W marks); axes keep Plotly's automargin.
 * Plotly cannot reserve room for annotations, so the margins are computed here; the figure's
 * `finish` gets the plot area that results.
 */
export function placeFigure(spec: FigureSpec, target: LayoutTarget): PlacedFigure {
  const fs = target.fontSize;
  const names = legendNames(spec);
  const legendFont = Math.max(6, fs - 1);
  // Room for the axes' tick labels and titles, which automargin may still widen.
  const sides = { l: fs * 5, r: fs * 1.5, b: fs * 4.2 };
  // Plotly wraps a horizontal legend at the plot's width.
  const plotWidthGuess = Math.max(40, target.width - sides.l - sides.r - fs);
  const legendHeight = legendRows(names, plotWidthGuess, legendFont) * legendRowHeight(legendFont);
  const titleHeight = target.title ? fs * 1.9 : 0;
  const base = { ...sides, t: fs * 1.2 + titleHeight + legendHeight };
  const minPlot = Math.max(fs * 7, spec.minPlotHeight?.(fs) ?? 0);
  let height = target.height;
  const frameFor = (margin: { l: number; r: number; t: number; b: number }) => ({
    // Tick labels take part of the left margin's automargin; assume the widest common case.
    plotWidth: Math.max(40, target.width - margin.l - margin.r - fs),
    plotHeight: Math.max(30, height - margin.t - margin.b),
    fontSize: fs,
  });
  // Twice: what the figure puts around the plot changes the plot's size, which it depends on;
  // and once more when the figure had to grow to keep the plot readable.
  let patch: PlotlyLayout = {};
  const margin = { ...base };
  for (let pass = 0; pass < 3; pass++) {
    patch = spec.finish?.(frameFor(margin)) ?? {};
    margin.t = base.t + (patch.margin?.t ?? 0);
    margin.r = base.r + (patch.margin?.r ?? 0);
    const needed = Math.ceil(margin.t + margin.b + minPlot);
    if (pass > 0 && needed <= height) break;
    height = Math.max(height, needed);
  }
  const extra = () => ({ t: patch.margin?.t ?? 0, r: patch.margin?.r ?? 0 });
  const plotHeight = height - margin.t - margin.b;
  const layout: Record<string, unknown> = {
    ...spec.layout,
    ...patch,
    margin: { ...margin, pad: 0, autoexpand: true },
    showlegend: names.length > 0,
    legend: {
      orientation: 'h',
      x: 0,
      xanchor: 'left',
      // Above the labels the figure put over the plot.
      y: 1 + (extra().t + 2) / plotHeight,
      yanchor: 'bottom',
      font: { size: legendFont },
      itemwidth: 30,
      tracegroupgap: 0,
      bgcolor: 'rgba(0,0,0,0)',
      ...(spec.layout.legend ?? {}),
    },
    annotations: [...(spec.layout.annotations ?? []), ...(patch.annotations ?? [])],
    shapes: [...(spec.layout.shapes ?? []), ...(patch.shapes ?? [])],
  };
  for (const key of Object.keys(patch)) {
    if (/^[xy]axis\d*$/.test(key))
      layout[key] = {
        ...((spec.layout as Record<string, object>)[key] ?? {}),
        ...(patch as Record<string, object>)[key],
      };
  }
  if (target.title) {
    layout.title = {
      text: target.title,
      x: 0,
      xref: 'paper',
      xanchor: 'left',
      y: 1,
      yref: 'container',
      yanchor: 'top',
      pad: { t: fs * 0.4 },
      font: { size: fs * 1.1 },
    };
  }
  return { layout: layout as PlotlyLayout, height };
}
