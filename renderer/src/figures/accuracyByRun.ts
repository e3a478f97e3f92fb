import type { FigureSample, FigureSpec, PlotlyTrace } from './figureData';
import { OKABE_ITO, OKABE_ITO_DARK } from './palette';
import { summarize } from './runSummary';

/**
 * Accuracy per run as horizontal bars with 95% Wilson intervals, first run on top. Horizontal,
 * because run names ("budget-forcing W=1024") are long: written beside the bars they stay level
 * and never run into each other, where under vertical bars they would have to be slanted.
 */
export function accuracyByRun(samples: readonly FigureSample[], options: { dark?: boolean } = {}): FigureSpec {
  const rows = summarize(samples, 'run');
  const palette = options.dark ? OKABE_ITO_DARK : OKABE_ITO;
  return {
    data: [
      {
        type: 'bar',
        orientation: 'h',
        y: rows.map((r) => r.series),
        x: rows.map((r) => r.accuracy),
        error_x: {
          type: 'data',
          symmetric: false,
          array: rows.map((r) => r.high - r.accuracy),
          arrayminus: rows.map((r) => r.accuracy - r.low),
          thickness: 1,
          width: 2,
        },
        marker: { color: rows.map((_, i) => palette[i % palette.length]) },
        hovertemplate: '%{y}: %{x:.1%}<extra></extra>',
      } as PlotlyTrace,
    ],
    layout: {
      yaxis: { autorange: 'reversed', type: 'category', ticks: '' },
      xaxis: { title: { text: 'accuracy' }, tickformat: '.0%', range: [0, 1.05], tickvals: [0, 0.25, 0.5, 0.75, 1] },
      showlegend: false,
      bargap: 0.25,
    },
    // A line of text per bar.
    minPlotHeight: (fs) => rows.length * fs * 1.5,
    table: {
      columns: ['run', 'n', 'correct', 'accuracy', 'ci_low', 'ci_high'],
      rows: rows.map((r) => [r.series, r.n, r.correct, r.accuracy, r.low, r.high]),
    },
  };
}
