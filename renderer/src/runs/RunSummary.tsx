import type { RunRecord } from '../../../common/api/contract/runs';

/** "41.7%", or what the run lacks when it has no summary yet. */
function runOutcome(run: RunRecord): string {
  const accuracy = run.summary ? `${(run.summary.accuracy.value * 100).toFixed(1)}%` : '—';
  return run.status === 'complete' ? accuracy : `${accuracy} (${run.done}/${run.planned} ${run.status})`;
}

function scrollToCell(id: string): void {
  const target = document.getElementById(`cell-${id}`);
  target?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  target?.focus({ preventScroll: true });
}

/**
 * A run cell's results in a line: accuracy per run, and links to the plot cells that draw them
 * (the figures live there, not repeated in the run cell).
 */
export function RunSummary({
  cellId,
  runs,
  stale,
  plots,
}: {
  cellId: string;
  runs: readonly RunRecord[];
  /** The runs were found for other settings than the cell has now. */
  stale: boolean;
  /** Ids of the plot cells that draw this cell's runs. */
  plots: readonly string[];
}) {
  return (
    <div className={`run-summary${stale ? ' stale' : ''}`} data-testid={`run-summary-${cellId}`}>
      {stale && (
        <span
          className="stale-mark"
          data-testid={`stale-${cellId}`}
          title="Run the cell to get results for its settings"
        >
          from other settings
        </span>
      )}
      <ul className="run-chips" aria-label="accuracy per run">
        {runs.map((run) => (
          <li key={run.id}>
            <span className="run-chip-label">{run.label}</span> <span className="num">{runOutcome(run)}</span>
          </li>
        ))}
      </ul>
      {plots.length > 0 && (
        <span className="run-figures">
          figures:{' '}
          {plots.map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              <a
                href={`#cell-${id}`}
                onClick={(e) => {
                  e.preventDefault();
                  scrollToCell(id);
                }}
              >
                {id}
              </a>
            </span>
          ))}
        </span>
      )}
    </div>
  );
}
