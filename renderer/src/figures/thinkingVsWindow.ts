import { growsGeometrically, windowAxis } from './axisTicks';
import { emptyFigure, type FigureSample, type FigureSpec, type GroupBy, type PlotlyTrace } from './figureData';
import { summarize } from './runSummary';
import { lineStyle, seriesStyle } from './seriesStyle';

/**
 * Mean thinking tokens against W, with the diagonal y = W: how much of its window a model uses.
 * A curve that leaves the diagonal is where the model starts stopping by itself. Doubling
 * windows get log2 axes on both sides, where the diagonal stays a straight line.
 */
export function thinkingVsWindow(
  samples: readonly FigureSample[],
  options: { seriesBy: Exclude<GroupBy, 'window'>; dark?: boolean; log?: boolean },
): FigureSpec {
  const rows = summarize(samples, options.seriesBy).filter((r) => r.window !== null);
  const table = {
    columns: ['series', 'window', 'n', 'mean_thinking_tokens', 'median_thinking_tokens', 'cut_rate'],
    rows: rows.map((r) => [r.series, r.window, r.n, r.meanThinking, r.medianThinking, r.cutRate]),
  };
  const windows = [...new Set(rows.map((r) => r.window!))].sort((a, b) => a - b);
  if (windows.length === 0) {
    return emptyFigure('These runs have no thinking window (unbounded only): there is no W to plot against.', table);
  }
  const log = options.log ?? growsGeometrically(windows);
  const xaxis = windowAxis(windows, { log, title: 'thinking window W (tokens)' });
  const series = [...new Set(rows.map((r) => r.series))];
  const data: PlotlyTrace[] = series.map((name, index) => {
    const points = rows.filter((r) => r.series === name);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name,
      x: points.map((r) => r.window),
      y: points.map((r) => Math.max(1, r.meanThinking)),
      hovertemplate: `W=%{x}: %{y:.0f} mean thinking tokens<extra>${name.replace(/%/g, '%%')}</extra>`,
      ...lineStyle(seriesStyle(index, options.dark)),
    } as PlotlyTrace;
  });
  const first = windows[0]!;
  const last = windows[windows.length - 1]!;
  data.push({
    type: 'scatter',
    mode: 'lines',
    name: 'y = W',
    x: [first, last],
    y: [first, last],
    line: { color: '#888888', dash: 'dot', width: 1 },
    hoverinfo: 'skip',
  } as PlotlyTrace);
  // Same ticks as x (the windows), the range stretched down to the least mean thinking.
  const low = Math.min(first, ...rows.map((r) => Math.max(1, r.meanThinking)));
  const { range, ...ticks } = windowAxis(windows, { log, title: 'mean thinking tokens' });
  const [r0, r1] = range as [number, number];
  const yRange: [number, number] = [Math.min(r0, Math.log10(low) - (r1 - r0) * 0.04), r1];
  return {
    data,
    layout: {
      xaxis,
      yaxis: log ? { ...ticks, range: yRange } : { title: { text: 'mean thinking tokens' }, rangemode: 'tozero' },
      showlegend: true,
    },
    table,
  };
}
