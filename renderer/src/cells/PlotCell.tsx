import { useCallback, useEffect, useMemo, useState } from 'react';
import { plotKind } from '../../../common/notebook/notebookSchema';
import type { RunRecord } from '../../../common/api/contract/runs';
import { errorMessage, useClient } from '../api/ClientContext';
import { accuracyByRun } from '../figures/accuracyByRun';
import type { FigureSample } from '../figures/figureData';
import { FigurePanel } from '../figures/FigurePanel';
import { ScalingCurveView, ThinkingHistogramView } from '../figures/FigureViews';
import { thinkingVsWindow } from '../figures/thinkingVsWindow';
import { useSession } from '../notebook/NotebookSession';
import { COUNT_LABEL, loadRunSamples, runWindow, type ThinkingCount } from '../runs/runSamples';
import type { CellProps } from './cellProps';

/** A figure of the stored runs of one or more run cells, drawn when they exist. */
export function PlotCell({ cell, cells, onChange, runRef }: CellProps<'plot'>) {
  const client = useClient();
  const session = useSession();
  const plot = cell.plot;
  const count: ThinkingCount = plot.thinkingCount ?? 'phase1';
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [samples, setSamples] = useState<FigureSample[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  runRef.current = () => setRefresh((n) => n + 1);

  const load = useCallback(async () => {
    const { path, notebook } = session.current();
    if (!path) return setError('Save the notebook to find its stored runs.');
    setError(null);
    try {
      const found: RunRecord[] = [];
      for (const cellId of plot.runs) {
        const result = await client.call('runs.lookup', { notebookPath: path, cellId, notebook: notebook as never });
        found.push(...result.runs.filter((r) => r.done > 0));
      }
      setRuns(found);
      setSamples(await loadRunSamples(client, found, count));
    } catch (e) {
      setError(errorMessage(e));
    }
    // The refresh counter re-reads the store (Shift+Enter).
  }, [client, session, plot.runs.join(','), count, refresh]);

  useEffect(() => void load(), [load]);
  // A finished run of a referenced cell redraws the figure.
  useEffect(
    () => client.on('run.state', (e) => plot.runs.includes(e.cellId) && e.state !== 'running' && void load()),
    [client, load, plot.runs],
  );

  const windows = useMemo(
    () => [...new Set(runs.map(runWindow).filter((w): w is number => w !== null))].sort((a, b) => a - b),
    [runs],
  );
  const buildThinking = useCallback(
    (dark: boolean) => thinkingVsWindow(samples ?? [], { seriesBy: 'strategy', dark }),
    [samples],
  );
  const buildAccuracy = useCallback((dark: boolean) => accuracyByRun(samples ?? [], { dark }), [samples]);
  const set = (patch: Partial<typeof plot>) => onChange({ ...cell, plot: { ...plot, ...patch } });
  const runCells = cells.filter((c) => c.type === 'run');
  const title = plot.title;

  return (
    <>
      <div className="field-row">
        <label>
          figure
          <select value={plot.kind} onChange={(e) => set({ kind: e.target.value as typeof plot.kind })}>
            {plotKind.options.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field-row" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="muted" style={{ float: 'left', marginRight: 4 }}>
            runs of
          </legend>
          {runCells.map((c) => (
            <label key={c.id}>
              <input
                type="checkbox"
                checked={plot.runs.includes(c.id)}
                onChange={(e) => {
                  const next = e.target.checked ? [...plot.runs, c.id] : plot.runs.filter((r) => r !== c.id);
                  if (next.length > 0) set({ runs: next });
                }}
              />
              {c.id}
            </label>
          ))}
        </fieldset>
        <label>
          thinking tokens
          <select value={count} onChange={(e) => set({ thinkingCount: e.target.value as ThinkingCount })}>
            <option value="phase1">phase 1</option>
            <option value="delimited">before &lt;/think&gt;</option>
          </select>
        </label>
        <label>
          title
          <input value={title ?? ''} onChange={(e) => set({ title: e.target.value || undefined })} size={20} />
        </label>
      </div>
      {error && <div className="status-line error">{error}</div>}
      {!error && samples && samples.length === 0 && (
        <div className="muted">No stored runs yet: run {plot.runs.join(', ')} first.</div>
      )}
      {samples && samples.length > 0 && (
        <div data-testid={`plot-${cell.id}`}>
          {plot.kind === 'accuracy-vs-window' && <ScalingCurveView samples={samples} countLabel={COUNT_LABEL[count]} />}
          {plot.kind === 'thinking-histogram' && (
            <ThinkingHistogramView samples={samples} windows={windows} countLabel={COUNT_LABEL[count]} />
          )}
          {plot.kind === 'thinking-vs-window' && (
            <FigurePanel title={title ?? 'Thinking tokens vs window'} build={buildThinking} />
          )}
          {plot.kind === 'accuracy-by-run' && <FigurePanel title={title ?? 'Accuracy by run'} build={buildAccuracy} />}
        </div>
      )}
    </>
  );
}
