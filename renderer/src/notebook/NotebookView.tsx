import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo } from '../../../common/api/contract/app';
import { errorMessage, isDesktop, useClient } from '../api/ClientContext';
import { AddCellBar } from '../cells/AddCellBar';
import { CellFrame } from '../cells/CellFrame';
import { fileStem, saveFile } from '../export/saveFile';
import { RunsBrowser } from '../runs/RunsBrowser';
import { TrajectoryView } from '../runs/TrajectoryView';
import { OpenDialog, SaveAsDialog } from './FileDialogs';
import { deleteCell, insertCell, moveCell, replaceCell, type NotebookCellDraft } from './notebookDocument';
import { NotebookSession, SessionContext } from './NotebookSession';
import { useNotebook } from './useNotebook';

type DialogState = 'open' | 'saveAs' | null;

/**
 * The notebook: a toolbar (new, open, save, save as, download, stored runs), the cells, and the
 * keyboard shortcuts and desktop menu commands that drive them.
 */
export function NotebookView({ info }: { info: AppInfo | null }) {
  const client = useClient();
  const nb = useNotebook();
  const { state, dirty, message } = nb;
  const [dialog, setDialog] = useState<DialogState>(null);
  const [showRuns, setShowRuns] = useState(false);
  const [sample, setSample] = useState<{ runId: string; key: string } | null>(null);
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

  function download() {
    const text = JSON.stringify(state.notebook, null, 2) + '\n';
    void saveFile(`${fileStem(title)}.z1.json`, new Blob([text], { type: 'application/json' }), 'application/json');
  }

  // Open the notebook the host was started with.
  useEffect(() => {
    if (info?.startupNotebook) void nb.open(info.startupNotebook);
    // Only when the host's startup notebook is first known, not on every `nb` change.
  }, [info?.startupNotebook]);

  // Keyboard: Ctrl/Cmd+S save, Ctrl/Cmd+Shift+S save as, Ctrl/Cmd+O open.
  // The listeners below are registered once and call the latest handlers through this ref.
  const handlers = useRef({ save, saveAs, openFile, newFile });
  handlers.current = { save, saveAs, openFile, newFile };
  const latest = useCallback(() => handlers.current, []);
  useEffect(() => {
    const keyDown = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === 's') {
        e.preventDefault();
        void (e.shiftKey ? latest().saveAs() : latest().save());
      } else if (key === 'o') {
        e.preventDefault();
        void latest().openFile();
      }
    };
    window.addEventListener('keydown', keyDown);
    return () => window.removeEventListener('keydown', keyDown);
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
          <button type="button" onClick={() => void openFile()} data-testid="open-notebook" title="Ctrl+O">
            Open…
          </button>
          <button type="button" onClick={() => void save()} data-testid="save-notebook" title="Ctrl+S">
            Save
          </button>
          <button type="button" onClick={() => void saveAs()} title="Ctrl+Shift+S">
            Save as…
          </button>
          <button type="button" onClick={download}>
            Download
          </button>
          <button type="button" onClick={() => setShowRuns((v) => !v)} aria-expanded={showRuns} data-testid="show-runs">
            Stored runs
          </button>
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
        <AddCellBar position={0} onAdd={(type) => nb.edit((n) => insertCell(n, type, 0))} />
        {cells.map((cell, index) => (
          <Fragment key={`${state.generation}/${cell.id}`}>
            <CellFrame
              cell={cell}
              index={index}
              cells={cells}
              onChange={onChange}
              onMove={onMove}
              onDelete={onDelete}
            />
            <AddCellBar position={index + 1} onAdd={(type) => nb.edit((n) => insertCell(n, type, index + 1))} />
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
