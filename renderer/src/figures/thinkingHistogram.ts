import { binEdges, histogram } from './stats';
import {
  groupKey,
  groupSamples,
  type FigureSample,
  type FigureSpec,
  type GroupBy,
  type PlotlyTrace,
} from './figureData';
import { colourFor } from './palette';

export interface HistogramOptions {
  groupBy: GroupBy;
  /** 'overlay': translucent bars on one axis; 'facets': one panel per group, sharing x. */
  mode: 'overlay' | 'facets';
  logX: boolean;
  /** About this many bins (linear bins snap to a 1/2/5 step). */
  bins?: number;
  /** Exact bin width in tokens for a linear axis (overrides `bins`). */
  binWidth?: number;
  /** Windows drawn as dashed vertical lines (the W of each run). */
  windows?: number[];
  /** Which count the axis shows, for its title: Z1's phase-1 count or the delimited one. */
  countLabel?: string;
  dark?: boolean;
}

/**
 * Thinking tokens per sample, split by strategy, window, model or run. The bins are computed
 * here, once, and drawn as bars: Plotly's own histogram trace would re-bin 100k raw values on
 * every relayout, which is what makes large runs slow to draw.
 */
export function thinkingHistogram(samples: readonly FigureSample[], options: HistogramOptions): FigureSpec {
  const groups = groupSamples(samples, (s) => groupKey(s, options.groupBy));
  let min = Infinity;
  let max = -Infinity;
  for (const s of samples) {
    if (s.thinkingTokens < min) min = s.thinkingTokens;
    if (s.thinkingTokens > max) max = s.thinkingTokens;
  }
  if (!Number.isFinite(min)) [min, max] = [0, 1];
  const edges =
    options.binWidth && !options.logX
      ? linearEdges(min, max, options.binWidth)
      : binEdges(min, max, { bins: options.bins ?? 40, log: options.logX });

  const data: PlotlyTrace[] = [];
  const rows: Array<Array<string | number | null>> = [];
  const facets = options.mode === 'facets' && groups.size > 1;
  let index = 0;
  for (const [name, group] of groups) {
    const values = new Float64Array(group.length);
    group.forEach((s, i) => (values[i] = s.thinkingTokens));
    const counts = histogram(values, edges);
    const x = counts.map((_, i) => (edges[i]! + edges[i + 1]!) / 2);
    const width = counts.map((_, i) => edges[i + 1]! - edges[i]!);
    counts.forEach((count, i) => rows.push([name, edges[i]!, edges[i + 1]!, count]));
    const axis = facets && index > 0 ? String(index + 1) : '';
    data.push({
      type: 'bar',
      name,
      x,
      y: counts,
      width,
      marker: { color: colourFor(index, options.dark), line: { width: 0 } },
      opacity: facets || groups.size === 1 ? 1 : 0.55,
      xaxis: `x${axis}`,
      yaxis: `y${axis}`,
      customdata: counts.map((_, i) => [edges[i]!, edges[i + 1]!]),
      hovertemplate: `${escapeHover(name)}<br>%{customdata[0]:.0f}–%{customdata[1]:.0f} tokens: %{y}<extra></extra>`,
    } as PlotlyTrace);
    index++;
  }

  const xTitle = `thinking tokens${options.countLabel ? ` (${options.countLabel})` : ''}`;
  // autorange: Plotly.react keeps the previous range otherwise, and a linear range read as
  // log10 exponents spans 10^5…10^100 after switching to log x.
  const xaxis = {
    title: { text: xTitle },
    type: options.logX ? 'log' : 'linear',
    zeroline: false,
    autorange: true,
  } as const;
  const layout: FigureSpec['layout'] = {
    barmode: 'overlay',
    bargap: 0,
    showlegend: groups.size > 1 && !facets,
    xaxis: { ...xaxis },
    yaxis: { title: { text: 'samples' }, rangemode: 'tozero' },
    shapes: windowMarks(options.windows ?? [], options.logX),
    annotations: windowLabels(options.windows ?? [], options.logX),
  };
  if (facets) {
    const n = groups.size;
    const gap = 0.06;
    const height = (1 - gap * (n - 1)) / n;
    [...groups.keys()].forEach((name, i) => {
      const suffix = i === 0 ? '' : String(i + 1);
      const top = 1 - i * (height + gap);
      (layout as Record<string, unknown>)[`yaxis${suffix}`] = {
        domain: [top - height, top],
        title: { text: name },
        rangemode: 'tozero',
        anchor: `x${suffix}`,
      };
      (layout as Record<string, unknown>)[`xaxis${suffix}`] = {
        ...xaxis,
        anchor: `y${suffix}`,
        matches: i === 0 ? undefined : 'x',
        showticklabels: i === n - 1,
        title: i === n - 1 ? xaxis.title : undefined,
      };
    });
  }
  return { data, layout, table: { columns: ['group', 'bin_start', 'bin_end', 'count'], rows } };
}

function linearEdges(min: number, max: number, width: number): number[] {
  const start = Math.floor(min / width) * width;
  const edges = [start];
  while (edges[edges.length - 1]! <= max) edges.push(edges[edges.length - 1]! + width);
  return edges;
}

/**
 * Dashed lines at each W, across every facet (y in paper coordinates; facets share x). On a log
 * axis Plotly places annotations by log10 of the value.
 */
function windowMarks(windows: number[], _log: boolean): NonNullable<FigureSpec['layout']['shapes']> {
  return [...new Set(windows)].map((w) => ({
    type: 'line',
    xref: 'x',
    yref: 'paper',
    x0: w,
    x1: w,
    y0: 0,
    y1: 1,
    line: { dash: 'dash', width: 1, color: '#888888' },
  }));
}

function windowLabels(windows: number[], log: boolean): NonNullable<FigureSpec['layout']['annotations']> {
  return [...new Set(windows)].map((w) => ({
    x: log ? Math.log10(Math.max(1, w)) : w,
    xref: 'x',
    // Along the line, inside the plot: the space above the plot stays free for the legend.
    y: 1,
    yref: 'paper',
    yanchor: 'top',
    xanchor: 'right',
    textangle: -90,
    text: `W=${w}`,
    showarrow: false,
    font: { size: 10, color: '#888888' },
  }));
}

/** Group names go into hover templates, where % and braces mean something to Plotly. */
export function escapeHover(text: string): string {
  return text.replace(/%/g, '%%').replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
}
