import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo } from '../../../common/api/contract/app';
import { errorMessage, isDesktop, useClient } from '../api/ClientContext';
import { formatNotebookText } from '../../../common/notebook/notebookText';
import { CellFrame } from '../cells/CellFrame';
import { InsertCellControl } from '../cells/InsertCellControl';
import { fileStem, saveFile } from '../export/saveFile';
import { RunsBrowser } from '../runs/RunsBrowser';
import { TrajectoryView } from '../runs/TrajectoryView';
import { OpenDialog, SaveAsDialog } from './FileDialogs';
import { deleteCell, insertCell, moveCell, replaceCell, type NotebookCellDraft } from './notebookDocument';
import { notebookCommand, SHORTCUTS } from './notebookShortcuts';
import { NotebookSession, SessionContext } from './NotebookSession';
import { runAllPlan, runInOrder, type RunAllOutcome } from './runAll';
import { useNotebook } from './useNotebook';

type DialogState = 'open' | 'saveAs' | null;

type RunAllState = { at: string; step: number; of: number } | { outcome: RunAllOutcome } | null;

function outcomeText(outcome: RunAllOutcome): string {
  if (outcome.state === 'complete') return `ran ${outcome.ran} cells`;
  if (outcome.state === 'stopped') return `stopped at ${outcome.at} after ${outcome.ran} cells`;
  return `stopped at ${outcome.at}: ${outcome.error}`;
}

/**
 * The notebook: a toolbar (new, open, save, save as, download, stored runs, run all, run all
 * below, stop all), the cells, and the keyboard shortcuts and desktop menu commands that drive them.
 */
export function NotebookView({ info }: { info: AppInfo | null }) {
  const client = useClient();
  const nb = useNotebook();
  const { state, dirty, message } = nb;
  const [dialog, setDialog] = useState<DialogState>(null);
  const [showRuns, setShowRuns] = useState(false);
  const [sample, setSample] = useState<{ runId: string; key: string } | null>(null);
  const [activeCell, setActiveCell] = useState<string | null>(null);
  const [runAll, setRunAll] = useState<RunAllState>(null);
  const stopRequested = useRef(false);
  const runningAll = runAll !== null && 'at' in runAll;
  const title = String((state.notebook.metadata as { title?: string } | undefined)?.title ?? 'Untitled');

  // A fresh session per opened notebook: loaded models and previews belong to it.
  const session = useMemo(
    () =>
      new NotebookSession(
        () => ({ path: nb.current.current.path, notebook: nb.current.current.notebook }),
        (runId, key) => setSample({ runId, key }),
      ),
    // Keyed by the generation on purpose: the session lives as long as the opened notebook.
    [state.generation],
  );

  const save = useCallback(async () => {
    if (nb.current.current.path) return void (await nb.saveTo(nb.current.current.path));
    await handlers.current.saveAs();
  }, [nb]);

  async function saveAs() {
    if (!isDesktop()) return setDialog('saveAs');
    try {
      const chosen = await client.call('shell.showSaveDialog', {
        title: 'Save notebook',
        defaultPath: state.path ?? `${fileStem(title)}.z1.json`,
        ensureExtension: '.z1.json',
      });
      if (!chosen.canceled && chosen.path) await nb.saveTo(chosen.path);
    } catch (e) {
      nb.setMessage({ text: errorMessage(e), error: true });
    }
  }

  async function openFile(path?: string) {
    if (dirty && !window.confirm('Discard the unsaved changes of this notebook?')) return;
    if (path) return void (await nb.open(path));
    if (!isDesktop()) return setDialog('open');
    try {
      const chosen = await client.call('shell.showOpenDialog', { title: 'Open notebook' });
      if (!chosen.canceled && chosen.paths[0]) await nb.open(chosen.paths[0]);
    } catch (e) {
      nb.setMessage({ text: errorMessage(e), error: true });
    }
  }

  function newFile() {
    if (dirty && !window.confirm('Discard the unsaved changes of this notebook?')) return;
    nb.reset();
  }

  /** Runs the cells from `from` down, one after the other (runAll.ts says which cells). */
  async function runFrom(from: number) {
    if (runningAll) return;
    stopRequested.current = false;
    const ids = runAllPlan(nb.current.current.notebook.cells, from);
    const outcome = await runInOrder(ids, {
      run: (id) => session.runCell(id),
      stopped: () => stopRequested.current,
      onStep: (id, step) => setRunAll({ at: id, step, of: ids.length }),
    });
    setRunAll({ outcome });
  }

  function runAllBelow() {
    const cells = nb.current.current.notebook.cells;
    void runFrom(
      Math.max(
        0,
        cells.findIndex((c) => c.id === activeCellRef.current),
      ),
    );
  }

  /** Stops Run all and every job of this notebook's run cells (their finished samples stay stored). */
  async function stopAll() {
    stopRequested.current = true;
    const ids = new Set(nb.current.current.notebook.cells.map((c) => c.id));
    try {
      const { jobs } = await client.call('runs.jobs', {});
      await Promise.all(
        jobs.filter((j) => ids.has(j.cellId)).map((j) => client.call('runs.cancel', { jobId: j.jobId })),
      );
    } catch (e) {
      nb.setMessage({ text: errorMessage(e), error: true });
    }
  }

  function download() {
    const text = formatNotebookText(state.notebook, state.layout);
    void saveFile(`${fileStem(title)}.z1.json`, new Blob([text], { type: 'application/json' }), 'application/json');
  }

  // Open the notebook the host was started with.
  useEffect(() => {
    if (info?.startupNotebook) void nb.open(info.startupNotebook);
    // Only when the host's startup notebook is first known, not on every `nb` change.
  }, [info?.startupNotebook]);

  // Keyboard shortcuts (notebookShortcuts.ts), read in the capture phase so Monaco cannot take them.
  // The listeners below are registered once and call the latest handlers through this ref.
  const activeCellRef = useRef(activeCell);
  activeCellRef.current = activeCell;
  const handlers = useRef({ save, saveAs, openFile, newFile, runFrom, runAllBelow, stopAll });
  handlers.current = { save, saveAs, openFile, newFile, runFrom, runAllBelow, stopAll };
  const latest = useCallback(() => handlers.current, []);
  useEffect(() => {
    const keyDown = (e: KeyboardEvent) => {
      const command = notebookCommand(e);
      if (!command) return;
      e.preventDefault();
      e.stopPropagation();
      const h = latest();
      if (command === 'save') void h.save();
      else if (command === 'saveAs') void h.saveAs();
      else if (command === 'open') void h.openFile();
      else if (command === 'runAll') void h.runFrom(0);
      else if (command === 'runAllBelow') h.runAllBelow();
      else void h.stopAll();
    };
    window.addEventListener('keydown', keyDown, true);
    return () => window.removeEventListener('keydown', keyDown, true);
  }, [latest]);

  // Desktop menus send their commands as events.
  useEffect(
    () =>
      client.on('shell.command', ({ command, path }) => {
        const h = latest();
        if (command === 'save') void h.save();
        else if (command === 'saveAs') void h.saveAs();
        else if (command === 'new') h.newFile();
        else if (command === 'open' || command === 'openRecent') void h.openFile(path);
        else if (command === 'export') setShowRuns(true);
      }),
    [client, latest],
  );

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${title} — Z1 Workbench`;
  }, [dirty, title]);

  const onChange = useCallback((id: string, cell: NotebookCellDraft) => nb.edit((n) => replaceCell(n, id, cell)), [nb]);
  const onMove = useCallback((id: string, delta: -1 | 1) => nb.edit((n) => moveCell(n, id, delta)), [nb]);
  const onDelete = useCallback((id: string) => nb.edit((n) => deleteCell(n, id)), [nb]);
  const cells = state.notebook.cells;

  return (
    <SessionContext.Provider value={session}>
      <main className="notebook" data-testid="notebook">
        <div className="notebook-toolbar" role="toolbar" aria-label="Notebook">
          <button type="button" onClick={newFile}>
            New
          </button>
          <button type="button" onClick={() => void openFile()} data-testid="open-notebook" title={SHORTCUTS.open}>
            Open…
          </button>
          <button type="button" onClick={() => void save()} data-testid="save-notebook" title={SHORTCUTS.save}>
            Save
          </button>
          <button type="button" onClick={() => void saveAs()} title={SHORTCUTS.saveAs}>
            Save as…
          </button>
          <button type="button" onClick={download}>
            Download
          </button>
          <button type="button" onClick={() => setShowRuns((v) => !v)} aria-expanded={showRuns} data-testid="show-runs">
            Stored runs
          </button>
          <span className="toolbar-group" role="group" aria-label="Run">
            <button
              type="button"
              onClick={() => void runFrom(0)}
              disabled={runningAll}
              data-testid="run-all"
              title={`Run every cell in order, each after the one above has finished (${SHORTCUTS.runAll})`}
            >
              ▶▶ Run all
            </button>
            <button
              type="button"
              onClick={runAllBelow}
              disabled={runningAll}
              data-testid="run-all-below"
              title={`Run the selected cell and every cell below it (${SHORTCUTS.runAllBelow})`}
            >
              Run all below
            </button>
            <button
              type="button"
              onClick={() => void stopAll()}
              data-testid="stop-all"
              title={`Stop Run all and every run of this notebook; finished samples stay stored (${SHORTCUTS.stopAll})`}
            >
              ■ Stop all
            </button>
            {runAll && (
              <span className="muted" role="status" data-testid="run-all-state">
                {'at' in runAll ? `running ${runAll.step + 1}/${runAll.of}: ${runAll.at}` : outcomeText(runAll.outcome)}
              </span>
            )}
          </span>
          <input
            className="notebook-title"
            aria-label="Notebook title"
            value={title}
            onChange={(e) => nb.edit((n) => ({ ...n, metadata: { ...(n.metadata ?? {}), title: e.target.value } }))}
          />
          <span className={dirty ? 'dirty-mark' : 'muted'} data-testid="save-state">
            {dirty ? '● unsaved' : 'saved'}
          </span>
          <span className="muted" data-testid="notebook-path">
            {state.path ?? 'not saved yet'}
          </span>
        </div>
        {message && (
          <div
            className={`status-line ${message.error ? 'error' : ''}`}
            role={message.error ? 'alert' : 'status'}
            data-testid="notebook-message"
          >
            {message.text}
          </div>
        )}
        {state.issues.length > 0 && (
          <ul className="marker-list" data-testid="notebook-issues">
            {state.issues.map((issue, i) => (
              <li key={i}>
                {issue.line !== null ? `line ${issue.line}: ` : ''}
                {issue.message}
              </li>
            ))}
          </ul>
        )}
        {showRuns && (
          <RunsBrowser onOpenSample={(runId, key) => setSample({ runId, key })} onClose={() => setShowRuns(false)} />
        )}
        <InsertCellControl position={0} onAdd={(type) => nb.edit((n) => insertCell(n, type, 0))} />
        {cells.map((cell, index) => (
          <Fragment key={`${state.generation}/${cell.id}`}>
            <CellFrame
              cell={cell}
              index={index}
              cells={cells}
              onChange={onChange}
              onMove={onMove}
              onDelete={onDelete}
              active={cell.id === activeCell}
              running={runningAll && runAll.at === cell.id}
              onActivate={setActiveCell}
            />
            <InsertCellControl position={index + 1} onAdd={(type) => nb.edit((n) => insertCell(n, type, index + 1))} />
          </Fragment>
        ))}
        {dialog === 'open' && (
          <OpenDialog
            onOpen={(path) => void nb.open(path).then((ok) => ok && setDialog(null))}
            onOpenText={(text, name) => void nb.openText(text, name).then(() => setDialog(null))}
            onClose={() => setDialog(null)}
          />
        )}
        {dialog === 'saveAs' && (
          <SaveAsDialog
            initialPath={state.path ?? `${info?.storeDir ?? '.'}/notebooks/${fileStem(title)}.z1.json`}
            onSave={(path) => void nb.saveTo(path).then((ok) => ok && setDialog(null))}
            onClose={() => setDialog(null)}
          />
        )}
        {sample && <TrajectoryView runId={sample.runId} sampleKey={sample.key} onClose={() => setSample(null)} />}
      </main>
    </SessionContext.Provider>
  );
}
