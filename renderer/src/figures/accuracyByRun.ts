import type { FigureSample, FigureSpec, PlotlyTrace } from './figureData';
import { OKABE_ITO, OKABE_ITO_DARK } from './palette';
import { summarize } from './runSummary';

/** Accuracy per run as bars with 95% Wilson intervals, in the order the runs were given. */
export function accuracyByRun(samples: readonly FigureSample[], options: { dark?: boolean } = {}): FigureSpec {
  const rows = summarize(samples, 'run');
  const palette = options.dark ? OKABE_ITO_DARK : OKABE_ITO;
  return {
    data: [
      {
        type: 'bar',
        x: rows.map((r) => r.series),
        y: rows.map((r) => r.accuracy),
        error_y: {
          type: 'data',
          symmetric: false,
          array: rows.map((r) => r.high - r.accuracy),
          arrayminus: rows.map((r) => r.accuracy - r.low),
          thickness: 1,
          width: 3,
        },
        marker: { color: rows.map((_, i) => palette[i % palette.length]) },
        hovertemplate: '%{x}: %{y:.1%}<extra></extra>',
      } as PlotlyTrace,
    ],
    layout: {
      xaxis: { title: { text: 'run' } },
      yaxis: { title: { text: 'accuracy' }, tickformat: '.0%', range: [0, 1.05] },
      showlegend: false,
    },
    table: {
      columns: ['run', 'n', 'correct', 'accuracy', 'ci_low', 'ci_high'],
      rows: rows.map((r) => [r.series, r.n, r.correct, r.accuracy, r.low, r.high]),
    },
  };
}
