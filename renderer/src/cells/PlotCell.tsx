import { useCallback, useEffect, useMemo, useState } from 'react';
import { plotKind } from '../../../common/notebook/notebookSchema';
import type { RunRecord } from '../../../common/api/contract/runs';
import { errorMessage, useClient } from '../api/ClientContext';
import { accuracyByRun } from '../figures/accuracyByRun';
import type { FigureSample } from '../figures/figureData';
import { fileStem } from '../export/saveFile';
import { FigurePanel } from '../figures/FigurePanel';
import { FrontierView } from '../figures/FrontierView';
import { MultiPanelFigure } from '../figures/MultiPanelFigure';
import { ScalingCurveView, ThinkingHistogramView } from '../figures/FigureViews';
import { thinkingVsWindow } from '../figures/thinkingVsWindow';
import { useSession } from '../notebook/NotebookSession';
import { COUNT_LABEL, loadRunSamples, runWindow, type ThinkingCount } from '../runs/runSamples';
import type { CellProps } from './cellProps';
import { SandboxNote } from '../runs/SandboxNote';

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

  // The stored runs of a plot cell's run cells (this cell's, or a panel's) and their samples.
  const loadPlot = useCallback(
    async (p: typeof plot) => {
      const { path, notebook } = session.current();
      if (!path) throw new Error('Save the notebook to find its stored runs.');
      const found: RunRecord[] = [];
      for (const cellId of p.runs) {
        const result = await client.call('runs.lookup', { notebookPath: path, cellId, notebook: notebook as never });
        found.push(...result.runs.filter((r) => r.done > 0));
      }
      return { runs: found, samples: await loadRunSamples(client, found, p.thinkingCount ?? 'phase1') };
    },
    [client, session],
  );
  const load = useCallback(async () => {
    setError(null);
    try {
      const loaded = await loadPlot(plot);
      setRuns(loaded.runs);
      setSamples(loaded.samples);
    } catch (e) {
      setError(errorMessage(e));
    }
    // The refresh counter re-reads the store (Shift+Enter).
  }, [loadPlot, plot.runs.join(','), count, refresh]);
  const loadPanel = useCallback(
    async (p: typeof plot) => {
      const { runs: found, samples: loaded } = await loadPlot(p);
      return { samples: loaded, windows: runWindows(found) };
    },
    [loadPlot, refresh],
  );

  useEffect(() => void load(), [load]);
  // A finished run of a referenced cell redraws the figure.
  useEffect(
    () => client.on('run.state', (e) => plot.runs.includes(e.cellId) && e.state !== 'running' && void load()),
    [client, load, plot.runs],
  );

  const windows = useMemo(() => runWindows(runs), [runs]);
  const buildThinking = useCallback(
    (dark: boolean) => thinkingVsWindow(samples ?? [], { seriesBy: 'strategy', dark }),
    [samples],
  );
  const buildAccuracy = useCallback((dark: boolean) => accuracyByRun(samples ?? [], { dark }), [samples]);
  const set = (patch: Partial<typeof plot>) => onChange({ ...cell, plot: { ...plot, ...patch } });
  const runCells = cells.filter((c) => c.type === 'run');
  const otherPlots = cells.filter((c) => c.type === 'plot' && c.id !== cell.id);
  const title = plot.title;
  // Files are named after the title, or the cell's id: two plot cells never share a file name.
  const fileName = fileStem(title ?? `${cell.id}-${plot.kind}`);
  const panels = plot.panels
    ? [cell, ...plot.panels.map((id) => cells.find((c) => c.id === id))].filter(
        (c): c is typeof cell => c?.type === 'plot',
      )
    : [];

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
        {/* The frontier counts every generated token, whichever thinking count is chosen. */}
        {plot.kind !== 'efficiency-frontier' && (
          <label>
            thinking tokens
            <select value={count} onChange={(e) => set({ thinkingCount: e.target.value as ThinkingCount })}>
              <option value="phase1">phase 1</option>
              <option value="delimited">before &lt;/think&gt;</option>
            </select>
          </label>
        )}
        <label>
          title
          <input value={title ?? ''} onChange={(e) => set({ title: e.target.value || undefined })} size={20} />
        </label>
        {otherPlots.length > 0 && (
          <fieldset className="field-row" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="muted" style={{ float: 'left', marginRight: 4 }}>
              panels beside it
            </legend>
            {otherPlots.map((c) => (
              <label key={c.id}>
                <input
                  type="checkbox"
                  checked={plot.panels?.includes(c.id) ?? false}
                  onChange={(e) => {
                    const next = e.target.checked
                      ? [...(plot.panels ?? []), c.id]
                      : (plot.panels ?? []).filter((p) => p !== c.id);
                    set({ panels: next.length > 0 ? next : undefined });
                  }}
                />
                {c.id}
              </label>
            ))}
          </fieldset>
        )}
      </div>
      {error && <div className="status-line error">{error}</div>}
      {!error && samples && samples.length === 0 && (
        <div className="muted">No stored runs yet: run {plot.runs.join(', ')} first.</div>
      )}
      <SandboxNote runs={runs} />
      {samples && samples.length > 0 && (
        <div data-testid={`plot-${cell.id}`}>
          {plot.kind === 'accuracy-vs-window' && (
            <ScalingCurveView samples={samples} countLabel={COUNT_LABEL[count]} caption={title} fileName={fileName} />
          )}
          {plot.kind === 'thinking-histogram' && (
            <ThinkingHistogramView
              samples={samples}
              windows={windows}
              countLabel={COUNT_LABEL[count]}
              caption={title}
              fileName={fileName}
            />
          )}
          {plot.kind === 'thinking-vs-window' && (
            <FigurePanel title="Thinking tokens vs window" caption={title} fileName={fileName} build={buildThinking} />
          )}
          {plot.kind === 'accuracy-by-run' && (
            <FigurePanel title="Accuracy by run" caption={title} fileName={fileName} build={buildAccuracy} />
          )}
          {plot.kind === 'efficiency-frontier' && (
            <FrontierView samples={samples} caption={title} fileName={fileName} />
          )}
          {panels.length > 1 && (
            <MultiPanelFigure
              panels={panels.map((c) => ({ id: c.id, plot: c.plot }))}
              countLabel={(p) => COUNT_LABEL[p.thinkingCount ?? 'phase1']}
              load={loadPanel}
            />
          )}
        </div>
      )}
    </>
  );
}

function runWindows(runs: readonly RunRecord[]): number[] {
  return [...new Set(runs.map(runWindow).filter((w): w is number => w !== null))].sort((a, b) => a - b);
}
