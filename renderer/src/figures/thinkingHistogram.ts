import { formatTokens, integerTicks, logTicks } from './axisTicks';
import {
  groupKey,
  groupSamples,
  type FigureFrame,
  type FigureSample,
  type FigureSpec,
  type GroupBy,
  type PlotlyLayout,
  type PlotlyTrace,
} from './figureData';
import { barTrace, cdfTrace, stepTrace, type BinnedGroup, type HistogramScale } from './histogramTraces';
import { seriesStyle } from './seriesStyle';
import { binEdges, histogram } from './stats';
import { textWidth } from './textWidth';
import { windowLabels, windowLines } from './windowMarks';

export { escapeHover } from './hoverText';
export type { HistogramScale } from './histogramTraces';

export interface HistogramOptions {
  groupBy: GroupBy;
  /**
   * 'facets' (the default): one panel per group, stacked, sharing the x axis and the y scale;
   * 'steps': every group's outline on one axis, for few groups. See docs/ui.md, "Figures".
   */
  mode: 'facets' | 'steps';
  /** y: counts (default), each group's share of its own samples, or the cumulative share (CDF). */
  scale?: HistogramScale;
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
 * here, once: Plotly's own histogram trace would re-bin 100k raw values on every relayout.
 * Small multiples are the default because they stay readable for any number of groups: nothing
 * is drawn over anything else, identical runs show as identical panels, and the shared x axis
 * and y scale keep them comparable. Steps and the CDF overlay groups, each with its own dash.
 */
export function thinkingHistogram(samples: readonly FigureSample[], options: HistogramOptions): FigureSpec {
  const scale = options.scale ?? 'count';
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

  const binned: BinnedGroup[] = [];
  const rows: Array<Array<string | number | null>> = [];
  for (const [name, group] of groups) {
    const values = new Float64Array(group.length);
    group.forEach((s, i) => (values[i] = s.thinkingTokens));
    const counts = histogram(values, edges);
    counts.forEach((count, i) => rows.push([name, edges[i]!, edges[i + 1]!, count, count / group.length]));
    binned.push({ name, values, counts });
  }
  const facets = options.mode === 'facets' && scale !== 'cdf' && binned.length > 1;
  const axes = facets ? binned.map((_, i) => (i === 0 ? '' : String(i + 1))) : [''];
  const data: PlotlyTrace[] = binned.map((group, i) => {
    const style = seriesStyle(i, options.dark);
    if (scale === 'cdf') return cdfTrace(group, { style });
    if (facets || binned.length === 1)
      return barTrace(group, edges, { style, scale, axis: axes[i] ?? '', log: options.logX });
    return stepTrace(group, edges, { style, scale });
  });

  const range = options.logX
    ? [Math.log10(edges[0]!), Math.log10(edges[edges.length - 1]!)]
    : [edges[0]!, edges[edges.length - 1]!];
  const xTitle = `thinking tokens${options.countLabel ? ` (${options.countLabel})` : ''}`;
  const xaxis = {
    type: options.logX ? 'log' : 'linear',
    range,
    zeroline: false,
    ...(options.logX ? { tickmode: 'array', ...logTicks(edges[0]!, edges[edges.length - 1]!) } : {}),
  };
  const peak =
    scale === 'cdf'
      ? 1
      : Math.max(0, ...binned.map((g) => Math.max(...g.counts) / (scale === 'share' ? g.values.length || 1 : 1)));
  const yTitle = scale === 'count' ? 'samples' : scale === 'share' ? 'share of samples' : 'share ≤ x';

  // Which panels get which W lines: by window, each panel only its own W (its label says which).
  const ownWindow = facets && options.groupBy === 'window';
  const windows = options.windows ?? [];
  const shapes = ownWindow
    ? binned.flatMap((g, i) => {
        const w = /^W=(\d+)$/.exec(g.name);
        return w ? windowLines([Number(w[1])], [axes[i]!]) : [];
      })
    : windowLines(windows, axes);

  const layout: PlotlyLayout = { bargap: 0, barmode: 'overlay', showlegend: !facets && binned.length > 1, shapes };
  const n = axes.length;
  axes.forEach((suffix, i) => {
    (layout as Record<string, unknown>)[`xaxis${suffix}`] = {
      ...xaxis,
      anchor: `y${suffix}`,
      showticklabels: i === n - 1,
      ...(i === n - 1 ? { title: { text: xTitle } } : {}),
      ...(i > 0 ? { matches: 'x' } : {}),
    };
    (layout as Record<string, unknown>)[`yaxis${suffix}`] = { anchor: `x${suffix}`, rangemode: 'tozero' };
  });

  return {
    data,
    layout,
    minPlotHeight: (fs) => n * fs * 3.5 + (n - 1) * fs * 0.8,
    table: { columns: ['group', 'bin_start', 'bin_end', 'count', 'share'], rows },
    finish: (frame) =>
      finishHistogram(frame, {
        axes,
        names: binned.map((g) => g.name),
        facets,
        peak,
        scale,
        yTitle,
        windows: ownWindow ? [] : windows,
        range: range as [number, number],
        log: options.logX,
      }),
  };
}

/**
 * What depends on the plot's size: how many whole-number ticks fit a panel, the panels' domains
 * and labels (right of each panel, horizontal), and the W labels above the plot.
 */
function finishHistogram(
  frame: FigureFrame,
  f: {
    axes: string[];
    names: string[];
    facets: boolean;
    peak: number;
    scale: HistogramScale;
    yTitle: string;
    windows: number[];
    range: [number, number];
    log: boolean;
  },
): PlotlyLayout {
  const n = f.axes.length;
  const gapPx = f.facets ? frame.fontSize * 0.8 : 0;
  const panelPx = (frame.plotHeight - gapPx * (n - 1)) / n;
  const maxTicks = Math.max(2, Math.min(6, Math.floor(panelPx / (frame.fontSize * 1.6)) + 1));
  const ticks =
    f.scale === 'count'
      ? integerTicks(f.peak, maxTicks)
      : (() => {
          const t = integerTicks(f.peak * 100, maxTicks);
          return { tickvals: t.tickvals.map((v) => v / 100), top: t.top / 100 };
        })();
  const patch: Record<string, unknown> = {};
  const labelSize = frame.fontSize;
  f.axes.forEach((suffix, i) => {
    const top = 1 - (i * (panelPx + gapPx)) / frame.plotHeight;
    const bottom = top - panelPx / frame.plotHeight;
    patch[`yaxis${suffix}`] = {
      range: [0, ticks.top],
      tickmode: 'array',
      tickvals: ticks.tickvals,
      ticktext: ticks.tickvals.map((v) => (f.scale === 'count' ? formatTokens(v) : `${Math.round(v * 100)}%`)),
      ...(n > 1 ? { domain: [Math.max(0, bottom), Math.min(1, top)] } : {}),
      // One axis title for all panels, on the middle one.
      ...(i === Math.floor((n - 1) / 2) ? { title: { text: f.yTitle } } : {}),
    };
  });
  const annotations: NonNullable<PlotlyLayout['annotations']> = [];
  let right = 0;
  if (f.facets) {
    f.names.forEach((name, i) => {
      right = Math.max(right, textWidth(name, labelSize) * 1.1 + 8);
      annotations.push({
        xref: 'paper',
        x: 1,
        xanchor: 'left',
        xshift: 4,
        yref: `y${f.axes[i]} domain` as never,
        y: 0.5,
        yanchor: 'middle',
        text: name,
        showarrow: false,
        font: { size: labelSize },
      });
    });
  }
  const marks = windowLabels(f.windows, { range: f.range, log: f.log, frame });
  annotations.push(...marks.annotations);
  return { ...(patch as PlotlyLayout), annotations, margin: { t: marks.height, r: right } };
}

function linearEdges(min: number, max: number, width: number): number[] {
  const start = Math.floor(min / width) * width;
  const edges = [start];
  while (edges[edges.length - 1]! <= max) edges.push(edges[edges.length - 1]! + width);
  return edges;
}
