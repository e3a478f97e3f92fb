import type { FigureSample, FigureSpec, GroupBy, PlotlyTrace } from './figureData';
import { colourFor } from './palette';
import { summarize } from './runSummary';

/**
 * Mean thinking tokens against W, with the diagonal y = W: how much of its window a model uses.
 * A curve that leaves the diagonal is where the model starts stopping by itself.
 */
export function thinkingVsWindow(
  samples: readonly FigureSample[],
  options: { seriesBy: Exclude<GroupBy, 'window'>; dark?: boolean },
): FigureSpec {
  const rows = summarize(samples, options.seriesBy).filter((r) => r.window !== null);
  const series = [...new Set(rows.map((r) => r.series))];
  const maxW = Math.max(1, ...rows.map((r) => r.window!));
  const data: PlotlyTrace[] = series.map((name, index) => {
    const points = rows.filter((r) => r.series === name);
    const colour = colourFor(index, options.dark);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name,
      x: points.map((r) => r.window),
      y: points.map((r) => r.meanThinking),
      marker: { color: colour, size: 6 },
      line: { color: colour, width: 1.5 },
    } as PlotlyTrace;
  });
  data.push({
    type: 'scatter',
    mode: 'lines',
    name: 'y = W',
    x: [0, maxW],
    y: [0, maxW],
    line: { color: '#888888', dash: 'dot', width: 1 },
    hoverinfo: 'skip',
  } as PlotlyTrace);
  return {
    data,
    layout: {
      xaxis: { title: { text: 'thinking window W (tokens)' } },
      yaxis: { title: { text: 'mean thinking tokens' }, rangemode: 'tozero' },
      showlegend: true,
    },
    table: {
      columns: ['series', 'window', 'n', 'mean_thinking_tokens', 'median_thinking_tokens', 'cut_rate'],
      rows: rows.map((r) => [r.series, r.window, r.n, r.meanThinking, r.medianThinking, r.cutRate]),
    },
  };
}
