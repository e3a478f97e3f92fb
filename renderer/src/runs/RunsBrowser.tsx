import { useEffect, useState } from 'react';
import type { RunComparison, RunRecord } from '../../../common/api/contract/runs';
import { errorMessage, useClient } from '../api/ClientContext';
import { RunResults } from './RunResults';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Every stored run: open one or several (their figures, their samples' trajectories and replay)
 * or compare two (paired difference with its bootstrap interval, McNemar, disagreements).
 */
export function RunsBrowser({
  onOpenSample,
  onClose,
}: {
  onOpenSample(runId: string, key: string): void;
  onClose(): void;
}) {
  const client = useClient();
  const [runs, setRuns] = useState<RunRecord[] | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [opened, setOpened] = useState<RunRecord[]>([]);
  const [comparison, setComparison] = useState<RunComparison | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.call('runs.list', {}).then(
      (result) => setRuns(result.runs),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [client]);

  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const chosen = (runs ?? []).filter((r) => selected.includes(r.id));

  async function compare() {
    setError(null);
    try {
      setComparison(await client.call('runs.compare', { a: selected[0]!, b: selected[1]! }));
      setOpened(chosen);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <section className="runs-browser figure-panel" aria-label="Stored runs" data-testid="runs-browser">
      <header className="figure-header">
        <h3>Stored runs</h3>
        <button
          type="button"
          onClick={() => (setComparison(null), setOpened(chosen))}
          disabled={chosen.length === 0}
          data-testid="open-runs"
        >
          Open {chosen.length || ''}
        </button>
        <button type="button" onClick={() => void compare()} disabled={chosen.length !== 2} data-testid="compare-runs">
          Compare 2
        </button>
        <span style={{ flex: 1 }} />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error && <div className="status-line error">{error}</div>}
      {!runs && !error && <div className="muted">loading…</div>}
      {runs && runs.length === 0 && <div className="muted">No runs stored yet.</div>}
      {runs && runs.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="stored-runs">
            <thead>
              <tr>
                <th scope="col">select</th>
                <th scope="col">run</th>
                <th scope="col">cell</th>
                <th scope="col">status</th>
                <th scope="col" className="num">
                  done
                </th>
                <th scope="col" className="num">
                  accuracy
                </th>
                <th scope="col">created</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>
                    <input
                      type="checkbox"
                      checked={selected.includes(r.id)}
                      onChange={() => toggle(r.id)}
                      aria-label={`select ${r.label}`}
                    />
                  </td>
                  <td>{r.label}</td>
                  <td>{r.notebook.title ?? r.notebook.cellId}</td>
                  <td>{r.status}</td>
                  <td className="num">
                    {r.done}/{r.planned}
                  </td>
                  <td className="num">{r.summary ? pct(r.summary.accuracy.value) : '—'}</td>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {comparison && <ComparisonView comparison={comparison} onOpenSample={onOpenSample} />}
      {opened.length > 0 && <RunResults runs={opened} onOpenSample={onOpenSample} />}
    </section>
  );
}

function ComparisonView({
  comparison: c,
  onOpenSample,
}: {
  comparison: RunComparison;
  onOpenSample(runId: string, key: string): void;
}) {
  const d = c.paired.difference;
  return (
    <div className="comparison" data-testid="comparison">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">run</th>
            <th scope="col" className="num">
              samples
            </th>
            <th scope="col" className="num">
              accuracy (95% CI)
            </th>
            <th scope="col" className="num">
              mean thinking
            </th>
          </tr>
        </thead>
        <tbody>
          {[c.a, c.b].map((run, i) => (
            <tr key={run.id}>
              <td>
                {i === 0 ? 'A' : 'B'}: {run.label}
              </td>
              <td className="num">{run.samples}</td>
              <td className="num">
                {pct(run.accuracy.value)} ({pct(run.accuracy.low)}–{pct(run.accuracy.high)})
              </td>
              <td className="num">{run.meanThinking.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="comparison-summary">
        {c.paired.pairs} paired samples: both right {c.paired.bothCorrect}, only A {c.paired.onlyA}, only B{' '}
        {c.paired.onlyB}, neither {c.paired.neither}. A − B = {pct(d.value)} (95% bootstrap {pct(d.low)} to{' '}
        {pct(d.high)}); McNemar p = {c.paired.mcnemar.pValue.toPrecision(3)}
        {c.paired.mcnemar.exact ? ' (exact)' : ''}. Thinking A − B: {c.paired.meanThinkingDifference.toFixed(1)} tokens.
        {!c.sameDataset && ' The runs are on different datasets.'}
      </p>
      {c.disagreements.length > 0 && (
        <details open>
          <summary>{c.disagreements.length} samples graded differently</summary>
          <table className="data-table">
            <tbody>
              {c.disagreements.slice(0, 50).map((x) => (
                <tr key={x.key}>
                  <td>{x.key}</td>
                  <td>
                    <button type="button" onClick={() => onOpenSample(c.a.id, x.key)}>
                      A {x.aCorrect ? '✓' : '✗'} {x.aThinking} tok
                    </button>
                  </td>
                  <td>
                    <button type="button" onClick={() => onOpenSample(c.b.id, x.key)}>
                      B {x.bCorrect ? '✓' : '✗'} {x.bThinking} tok
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
