import type { FigureSample, FigureSpec, GroupBy, PlotlyTrace } from './figureData';
import { colourFor } from './palette';
import { summarize } from './runSummary';
import { escapeHover } from './thinkingHistogram';

export interface CurveOptions {
  seriesBy: Exclude<GroupBy, 'window'>;
  /** A log2 window axis spreads 512 … 16k evenly, as sweeps double W. */
  logX?: boolean;
  dark?: boolean;
}

/**
 * The test-time-scaling curve: accuracy against the window W, one line per series, with 95%
 * Wilson intervals as bars. Unbounded runs (no W) appear as a dotted horizontal reference.
 */
export function scalingCurve(samples: readonly FigureSample[], options: CurveOptions): FigureSpec {
  const rows = summarize(samples, options.seriesBy);
  const series = [...new Set(rows.map((r) => r.series))];
  const data: PlotlyTrace[] = [];
  const shapes: NonNullable<FigureSpec['layout']['shapes']> = [];
  const annotations: NonNullable<FigureSpec['layout']['annotations']> = [];
  series.forEach((name, index) => {
    const colour = colourFor(index, options.dark);
    const points = rows.filter((r) => r.series === name && r.window !== null);
    if (points.length > 0) {
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name,
        x: points.map((r) => r.window),
        y: points.map((r) => r.accuracy),
        error_y: {
          type: 'data',
          symmetric: false,
          array: points.map((r) => r.high - r.accuracy),
          arrayminus: points.map((r) => r.accuracy - r.low),
          thickness: 1,
          width: 3,
        },
        customdata: points.map((r) => [r.correct, r.n, r.low, r.high]),
        hovertemplate: `${escapeHover(name)}<br>W=%{x}: %{y:.1%} (%{customdata[0]}/%{customdata[1]})<br>95% CI %{customdata[2]:.1%}–%{customdata[3]:.1%}<extra></extra>`,
        marker: { color: colour, size: 6 },
        line: { color: colour, width: 1.5 },
      } as PlotlyTrace);
    }
    for (const r of rows.filter((row) => row.series === name && row.window === null)) {
      shapes.push({
        type: 'line',
        xref: 'paper',
        x0: 0,
        x1: 1,
        yref: 'y',
        y0: r.accuracy,
        y1: r.accuracy,
        line: { color: colour, dash: 'dot', width: 1 },
      });
      annotations.push({
        xref: 'paper',
        x: 1,
        xanchor: 'right',
        yref: 'y',
        y: r.accuracy,
        yanchor: 'bottom',
        text: `${name}, no window`,
        showarrow: false,
        font: { size: 10, color: colour },
      });
    }
  });
  const layout: FigureSpec['layout'] = {
    xaxis: {
      title: { text: 'thinking window W (tokens)' },
      type: options.logX ? 'log' : 'linear',
      ...(options.logX ? { dtick: Math.log10(2) } : {}),
    },
    yaxis: { title: { text: 'accuracy' }, tickformat: '.0%', range: [0, 1.05] },
    showlegend: series.length > 1,
    shapes,
    annotations,
  };
  return {
    data,
    layout,
    table: {
      columns: ['series', 'window', 'n', 'correct', 'accuracy', 'ci_low', 'ci_high', 'mean_thinking_tokens'],
      rows: rows.map((r) => [r.series, r.window, r.n, r.correct, r.accuracy, r.low, r.high, r.meanThinking]),
    },
  };
}
