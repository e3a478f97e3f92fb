import { useMemo, useState } from 'react';
import type { FigureSample } from './figureData';
import { summarize, type SummaryRow } from './runSummary';
import { ExportMenu } from '../export/ExportMenu';
import type { FigureSpec } from './figureData';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Runs side by side: per run and window, accuracy with its interval, thinking length and how
 * often the window cut. Clicking a row opens that group's first sample.
 */
export function RunComparisonTable({
  samples,
  onOpenRow,
}: {
  samples: readonly FigureSample[];
  onOpenRow?(row: SummaryRow): void;
}) {
  const [seriesBy, setSeriesBy] = useState<'run' | 'strategy' | 'model'>('run');
  const rows = useMemo(() => summarize(samples, seriesBy), [samples, seriesBy]);
  const spec: FigureSpec = {
    data: [],
    layout: {},
    table: {
      columns: [
        'series',
        'window',
        'n',
        'correct',
        'accuracy',
        'ci_low',
        'ci_high',
        'mean_thinking_tokens',
        'median_thinking_tokens',
        'cut_rate',
      ],
      rows: rows.map((r) => [
        r.series,
        r.window,
        r.n,
        r.correct,
        r.accuracy,
        r.low,
        r.high,
        r.meanThinking,
        r.medianThinking,
        r.cutRate,
      ]),
    },
  };
  return (
    <section className="figure-panel" aria-label="Run comparison">
      <header className="figure-header">
        <h3>Run comparison</h3>
        <div className="figure-controls">
          <label>
            rows by
            <select value={seriesBy} onChange={(e) => setSeriesBy(e.target.value as typeof seriesBy)}>
              <option value="run">run</option>
              <option value="strategy">strategy</option>
              <option value="model">model</option>
            </select>
          </label>
        </div>
      </header>
      <table className="data-table" data-testid="run-comparison">
        <thead>
          <tr>
            <th scope="col">{seriesBy}</th>
            <th scope="col">W</th>
            <th scope="col">n</th>
            <th scope="col">accuracy</th>
            <th scope="col">95% CI</th>
            <th scope="col">mean thinking</th>
            <th scope="col">median</th>
            <th scope="col">cut</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={`${r.series}/${r.window}`}
              tabIndex={onOpenRow ? 0 : undefined}
              onClick={() => onOpenRow?.(r)}
              onKeyDown={(e) => e.key === 'Enter' && onOpenRow?.(r)}
            >
              <td>{r.series}</td>
              <td className="num">{r.window ?? '—'}</td>
              <td className="num">{r.n}</td>
              <td className="num">{percent(r.accuracy)}</td>
              <td className="num">
                {percent(r.low)}–{percent(r.high)}
              </td>
              <td className="num">{r.meanThinking.toFixed(1)}</td>
              <td className="num">{r.medianThinking}</td>
              <td className="num">{percent(r.cutRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ExportMenu
        id="run-comparison"
        title="Run comparison"
        fileName="run-comparison"
        build={() => spec}
        formats={['csv']}
      />
    </section>
  );
}
