import { Fragment, useEffect, useMemo, useState } from 'react';
import type { Params } from '../../../common/api/contract';
import type { RunComparison, RunRecord } from '../../../common/api/contract/runs';
import { errorMessage, useClient } from '../api/ClientContext';
import { RunResults } from './RunResults';
import { filterGroups, groupRuns, groupStatus, type RunGroup } from './runGroups';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const accuracy = (run: RunRecord) => (run.summary ? pct(run.summary.accuracy.value) : '—');
const sum = (runs: readonly RunRecord[], field: 'done' | 'planned') => runs.reduce((n, r) => n + r[field], 0);

/**
 * Every stored run, grouped by notebook and run cell (a sweep is one row with its windows, which
 * unfold into a row each), with a text filter and a notebook filter: open one or several (their figures, their samples' trajectories and replay),
 * compare two (paired difference with its bootstrap interval, McNemar, disagreements), or
 * regrade runs with other grader settings (a new run beside each, nothing generated) and compare
 * a regrading with the run it was graded from.
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
  const [regrading, setRegrading] = useState<{ settings: string; jobId: string | null; progress: string } | null>(null);
  const [listed, setListed] = useState(0);

  useEffect(() => {
    client.call('runs.list', {}).then(
      (result) => setRuns(result.runs),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [client, listed]);

  const jobId = regrading?.jobId ?? null;
  useEffect(() => {
    if (!jobId) return;
    const offProgress = client.on('run.progress', (p) => {
      if (p.jobId === jobId) setRegrading((r) => r && { ...r, progress: `${p.done}/${p.total} samples graded` });
    });
    const offState = client.on('run.state', (state) => {
      if (state.jobId !== jobId || state.state === 'running') return;
      setRegrading(
        (r) => r && { ...r, jobId: null, progress: state.error ? `${state.state}: ${state.error}` : 'done' },
      );
      setListed((n) => n + 1);
    });
    return () => (offProgress(), offState());
  }, [client, jobId]);

  const [filter, setFilter] = useState('');
  const [notebook, setNotebook] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<string[]>([]);
  const groups = useMemo(() => groupRuns(runs ?? []), [runs]);
  const notebooks = useMemo(
    () => [...new Set(groups.flatMap((g) => (g.notebookPath ? [g.notebookPath] : [])))],
    [groups],
  );
  const shown = filterGroups(groups, filter, notebook);
  const toggleGroup = (g: RunGroup) => {
    const ids = g.runs.map((r) => r.id);
    setSelected((s) =>
      ids.every((id) => s.includes(id)) ? s.filter((x) => !ids.includes(x)) : [...new Set([...s, ...ids])],
    );
  };

  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const chosen = (runs ?? []).filter((r) => selected.includes(r.id));

  async function compare(a = selected[0]!, b = selected[1]!) {
    setError(null);
    try {
      setComparison(await client.call('runs.compare', { a, b }));
      setOpened((runs ?? []).filter((r) => r.id === a || r.id === b));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function regrade(settings: string) {
    setError(null);
    try {
      const grader = JSON.parse(settings) as Params<'runs.regrade'>['grader'];
      const started = await client.call('runs.regrade', { runIds: chosen.map((r) => r.id), grader });
      setRegrading({ settings, jobId: started.jobId, progress: 'grading…' });
    } catch (e) {
      setError(`Regrade: ${errorMessage(e)}`);
    }
  }

  const source = chosen.length === 1 && chosen[0]!.regradeOf ? chosen[0]!.regradeOf : null;

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
        <button
          type="button"
          onClick={() =>
            setRegrading({ settings: JSON.stringify(chosen[0]!.settings.grader, null, 2), jobId: null, progress: '' })
          }
          disabled={chosen.length === 0}
          data-testid="regrade-runs"
          title="Grade the selected runs again with other grader settings; nothing is generated"
        >
          Regrade…
        </button>
        <button
          type="button"
          onClick={() => void compare(source!, chosen[0]!.id)}
          disabled={!source}
          data-testid="compare-gradings"
          title="Which samples changed verdict between this regrading and the run it was graded from"
        >
          Compare with source
        </button>
        <span style={{ flex: 1 }} />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error && <div className="status-line error">{error}</div>}
      {regrading && (
        <form
          className="regrade-form"
          data-testid="regrade-form"
          onSubmit={(e) => (e.preventDefault(), void regrade(regrading.settings))}
        >
          <label>
            Grader settings for {chosen.length} run{chosen.length === 1 ? '' : 's'} (JSON, as in a dataset cell)
            <textarea
              value={regrading.settings}
              rows={5}
              spellCheck={false}
              onChange={(e) => setRegrading({ ...regrading, settings: e.target.value })}
              data-testid="regrade-settings"
            />
          </label>
          <button type="submit" disabled={regrading.jobId !== null || chosen.length === 0}>
            Regrade
          </button>
          {regrading.jobId && (
            <button type="button" onClick={() => void client.call('runs.cancel', { jobId: regrading.jobId! })}>
              Stop
            </button>
          )}
          <span className="muted" data-testid="regrade-progress">
            {regrading.progress}
          </span>
        </form>
      )}
      {!runs && !error && <div className="muted">loading…</div>}
      {runs && runs.length === 0 && <div className="muted">No runs stored yet.</div>}
      {runs && runs.length > 0 && (
        <>
          <div className="field-row">
            <label>
              filter
              <input
                type="search"
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
                placeholder="notebook, cell, run"
                data-testid="runs-filter"
              />
            </label>
            <label>
              notebook
              <select value={notebook ?? ''} onChange={(e) => setNotebook(e.target.value || null)}>
                <option value="">all</option>
                {notebooks.map((path) => (
                  <option key={path} value={path}>
                    {path}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted">
              {shown.length} of {groups.length} groups
            </span>
          </div>
          <div className="table-scroll">
            <table className="data-table" data-testid="stored-runs">
              <thead>
                <tr>
                  <th scope="col">select</th>
                  <th scope="col">run</th>
                  <th scope="col">cell</th>
                  <th scope="col">grader</th>
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
                {shown.map((g) => {
                  const open = expanded.includes(g.key);
                  const first = g.runs[0]!;
                  return (
                    <Fragment key={g.key}>
                      <tr className="run-group" data-testid={`run-group-${g.cellId}`}>
                        <td>
                          <input
                            type="checkbox"
                            checked={g.runs.every((r) => selected.includes(r.id))}
                            onChange={() => toggleGroup(g)}
                            aria-label={`select ${g.label}`}
                          />
                        </td>
                        <td>
                          {g.label}
                          {g.runs.length > 1 && (
                            <button
                              type="button"
                              className="run-group-toggle"
                              aria-expanded={open}
                              onClick={() => setExpanded((e) => (open ? e.filter((k) => k !== g.key) : [...e, g.key]))}
                            >
                              {open ? '▾' : '▸'} {g.runs.length} runs
                            </button>
                          )}
                        </td>
                        <td title={g.notebookPath ?? undefined}>{g.cellName}</td>
                        <td title={JSON.stringify(first.settings.grader)}>
                          {first.settings.grader.grader}
                          {first.regradeOf ? ` (regraded from ${first.regradeOf})` : ''}
                        </td>
                        <td>{groupStatus(g)}</td>
                        <td className="num">
                          {sum(g.runs, 'done')}/{sum(g.runs, 'planned')}
                        </td>
                        <td className="num">{g.runs.map(accuracy).join(' · ')}</td>
                        <td>{new Date(first.createdAt).toLocaleString()}</td>
                      </tr>
                      {open &&
                        g.runs.map((r) => (
                          <tr key={r.id} className="run-variant">
                            <td>
                              <input
                                type="checkbox"
                                checked={selected.includes(r.id)}
                                onChange={() => toggle(r.id)}
                                aria-label={`select ${r.label}`}
                              />
                            </td>
                            <td>{r.label}</td>
                            <td />
                            <td />
                            <td>{r.status}</td>
                            <td className="num">
                              {r.done}/{r.planned}
                            </td>
                            <td className="num">{accuracy(r)}</td>
                            <td>{new Date(r.createdAt).toLocaleString()}</td>
                          </tr>
                        ))}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
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
