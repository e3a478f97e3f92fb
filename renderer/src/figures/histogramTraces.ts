import { escapeHover } from './hoverText';
import type { PlotlyTrace } from './figureData';
import type { SeriesStyle } from './seriesStyle';

/** What a histogram's y axis shows: counts, each group's share of its samples, or its CDF. */
export type HistogramScale = 'count' | 'share' | 'cdf';

export interface BinnedGroup {
  name: string;
  values: Float64Array;
  counts: number[];
}

/**
 * Filled bars for one small-multiple panel (one group per panel, so nothing hides behind them).
 * On a log x axis the bars are drawn as a filled outline instead: Plotly sizes bars in linear
 * data units, which leaves gaps between log-spaced bins.
 */
export function barTrace(
  group: BinnedGroup,
  edges: readonly number[],
  options: { style: SeriesStyle; scale: 'count' | 'share'; axis: string; log: boolean },
): PlotlyTrace {
  const n = group.values.length || 1;
  if (options.log) {
    const outline = stepTrace(group, edges, options) as Record<string, unknown>;
    return {
      ...outline,
      xaxis: `x${options.axis}`,
      yaxis: `y${options.axis}`,
      showlegend: false,
      fill: 'tozeroy',
      fillcolor: options.style.colour,
      line: { color: options.style.colour, width: 0.5, simplify: false },
    } as PlotlyTrace;
  }
  const y = options.scale === 'share' ? group.counts.map((c) => c / n) : group.counts;
  return {
    type: 'bar',
    name: group.name,
    x: group.counts.map((_, i) => (edges[i]! + edges[i + 1]!) / 2),
    y,
    width: group.counts.map((_, i) => edges[i + 1]! - edges[i]!),
    marker: { color: options.style.colour, line: { width: 0 } },
    xaxis: `x${options.axis}`,
    yaxis: `y${options.axis}`,
    showlegend: false,
    customdata: group.counts.map((c, i) => [edges[i]!, edges[i + 1]!, c]),
    hovertemplate: `${escapeHover(group.name)}<br>%{customdata[0]:.0f}–%{customdata[1]:.0f} tokens: %{customdata[2]} samples<extra></extra>`,
  } as PlotlyTrace;
}

/**
 * An outlined step histogram: the outline of the bars only, closed to zero at both ends. Steps
 * of several groups on one axis stay visible where they cross or coincide (each has its own
 * dash), where translucent bars would blend into colours no legend shows.
 */
export function stepTrace(
  group: BinnedGroup,
  edges: readonly number[],
  options: { style: SeriesStyle; scale: 'count' | 'share' },
): PlotlyTrace {
  const n = group.values.length || 1;
  const x: number[] = [edges[0]!];
  const y: number[] = [0];
  group.counts.forEach((count, i) => {
    const value = options.scale === 'share' ? count / n : count;
    x.push(edges[i]!, edges[i + 1]!);
    y.push(value, value);
  });
  x.push(edges[edges.length - 1]!);
  y.push(0);
  return groupLine(group.name, x, y, {
    style: options.style,
    shape: 'linear',
    hover: `${escapeHover(group.name)}<br>%{x:.0f} tokens: %{y}<extra></extra>`,
  });
}

/**
 * The empirical CDF: the share of a group's samples with at most x thinking tokens. Runs of
 * different sizes compare directly. Drawn at each distinct value, thinned to ~1,000 steps so a
 * 100k-sample run stays light.
 */
export function cdfTrace(group: BinnedGroup, options: { style: SeriesStyle }): PlotlyTrace {
  const sorted = Float64Array.from(group.values).sort();
  const n = sorted.length;
  const steps: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) if (i === n - 1 || sorted[i + 1] !== sorted[i]) steps.push([sorted[i]!, (i + 1) / n]);
  const stride = Math.ceil(steps.length / 1000);
  const kept = steps.filter((_, i) => i % stride === 0 || i === steps.length - 1);
  // Start at 0 just at the smallest value, so the first step rises there.
  const x = n > 0 ? [sorted[0]!, ...kept.map((s) => s[0])] : [];
  const y = n > 0 ? [0, ...kept.map((s) => s[1])] : [];
  return groupLine(group.name, x, y, {
    style: options.style,
    shape: 'hv',
    hover: `${escapeHover(group.name)}<br>≤ %{x:.0f} tokens: %{y:.1%}<extra></extra>`,
  });
}

/** A group's line on the one shared axis, in its colour and dash. */
function groupLine(
  name: string,
  x: number[],
  y: number[],
  options: { style: SeriesStyle; shape: 'linear' | 'hv'; hover: string },
): PlotlyTrace {
  return {
    type: 'scatter',
    mode: 'lines',
    name,
    x,
    y,
    xaxis: 'x',
    yaxis: 'y',
    // Plotly's simplification merges the short vertical steps of narrow bins into slopes.
    line: { color: options.style.colour, dash: options.style.dash, width: 1.5, shape: options.shape, simplify: false },
    hovertemplate: options.hover,
  } as PlotlyTrace;
}
