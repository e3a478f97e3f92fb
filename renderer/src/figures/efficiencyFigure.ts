import type { FigureSample, FigureSpec, GroupBy, PlotlyTrace } from './figureData';
import { colourFor } from './palette';
import { summarize } from './runSummary';
import { escapeHover } from './thinkingHistogram';

/**
 * The paper's efficiency figure (Z1, arXiv 2504.00810, Fig. 1): accuracy against the mean
 * number of thinking tokens on a log axis, one line per series through its windows, each point
 * labelled with its W. Up and to the left is better.
 */
export function efficiencyFigure(
  samples: readonly FigureSample[],
  options: { seriesBy: Exclude<GroupBy, 'window'>; dark?: boolean },
): FigureSpec {
  const rows = summarize(samples, options.seriesBy);
  const series = [...new Set(rows.map((r) => r.series))];
  const data: PlotlyTrace[] = series.map((name, index) => {
    const points = rows.filter((r) => r.series === name);
    const colour = colourFor(index, options.dark);
    return {
      type: 'scatter',
      mode: 'lines+markers+text',
      name,
      x: points.map((r) => Math.max(1, r.meanThinking)),
      y: points.map((r) => r.accuracy),
      text: points.map((r) => (r.window === null ? '∞' : String(r.window))),
      textposition: 'top center',
      textfont: { size: 9, color: colour },
      customdata: points.map((r) => [r.window ?? 'none', r.n]),
      hovertemplate: `${escapeHover(name)}<br>W=%{customdata[0]}: %{y:.1%} at %{x:.0f} mean thinking tokens (n=%{customdata[1]})<extra></extra>`,
      marker: { color: colour, size: 6 },
      line: { color: colour, width: 1.5 },
    } as PlotlyTrace;
  });
  return {
    data,
    layout: {
      xaxis: { title: { text: 'mean thinking tokens' }, type: 'log' },
      // Headroom above 100% for the W labels, which sit over their points.
      yaxis: { title: { text: 'accuracy' }, tickformat: '.0%', range: [0, 1.12] },
      showlegend: series.length > 1,
    },
    table: {
      columns: ['series', 'window', 'n', 'accuracy', 'mean_thinking_tokens'],
      rows: rows.map((r) => [r.series, r.window, r.n, r.accuracy, r.meanThinking]),
    },
  };
}
