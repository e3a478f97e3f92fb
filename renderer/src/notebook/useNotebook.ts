import { useCallback, useMemo, useRef, useState } from 'react';
import { formatNotebookText } from '../../../common/notebook/notebookText';
import type { NotebookIssue } from '../../../common/notebook/validateNotebook';
import { errorMessage, isDesktop, useClient } from '../api/ClientContext';
import { newNotebook, notebookFingerprint, type NotebookDraft } from './notebookDocument';

export interface NotebookState {
  path: string | null;
  notebook: NotebookDraft;
  /** Fingerprint of what is on disk; the notebook is unsaved when it differs. */
  saved: string;
  issues: NotebookIssue[];
  /** Bumped on open/new so that cells start afresh (editors, sessions). */
  generation: number;
  /** The text the notebook was opened from or last saved as: a save keeps its layout (formatNotebookText). */
  layout: string | null;
}

const RECENT_KEY = 'z1wb.recentNotebooks';

/** Recently opened or saved paths, newest first (the desktop shell keeps its own list too). */
export function recentPaths(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

function remember(path: string): void {
  localStorage.setItem(RECENT_KEY, JSON.stringify([path, ...recentPaths().filter((p) => p !== path)].slice(0, 10)));
}

/**
 * The open notebook and its file operations over the API: open (migrated and validated by the
 * host), save (the host validates and writes atomically), save as, new; unsaved state.
 */
export function useNotebook() {
  const client = useClient();
  const [state, setState] = useState<NotebookState>(() => {
    const notebook = newNotebook();
    return { path: null, notebook, saved: notebookFingerprint(notebook), issues: [], generation: 0, layout: null };
  });
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const current = useRef(state);
  current.current = state;

  const dirty = notebookFingerprint(state.notebook) !== state.saved;

  const load = useCallback(
    (
      path: string | null,
      notebook: NotebookDraft,
      issues: NotebookIssue[],
      options: { savedText?: string; layout?: string } = {},
    ) => {
      setState((s) => ({
        path,
        notebook,
        saved: options.savedText ?? notebookFingerprint(notebook),
        issues,
        generation: s.generation + 1,
        layout: options.layout ?? null,
      }));
    },
    [],
  );

  const open = useCallback(
    async (path: string) => {
      try {
        const opened = await client.call('notebooks.open', { path });
        let raw: NotebookDraft;
        try {
          raw = JSON.parse(opened.text) as NotebookDraft;
        } catch {
          setMessage({ text: `${path} is not valid JSON: ${opened.issues[0]?.message ?? ''}`, error: true });
          return false;
        }
        load(opened.path, raw, opened.issues, { layout: opened.text });
        remember(opened.path);
        if (isDesktop()) void client.call('shell.addRecentFile', { path: opened.path }).catch(() => undefined);
        setMessage(
          opened.issues.length ? { text: `${opened.issues.length} problem(s) in ${opened.path}`, error: true } : null,
        );
        return true;
      } catch (e) {
        setMessage({ text: errorMessage(e), error: true });
        return false;
      }
    },
    [client, load],
  );

  /** A notebook file the browser read (upload): validated by the host, not yet saved anywhere. */
  const openText = useCallback(
    async (text: string, name: string) => {
      try {
        const raw = JSON.parse(text) as NotebookDraft;
        const checked = await client.call('notebooks.validate', { text });
        load(null, raw, checked.issues, { savedText: '', layout: text });
        setMessage({ text: `${name} opened from this computer; Save as… to keep it on the host`, error: false });
      } catch (e) {
        setMessage({ text: `${name}: ${errorMessage(e)}`, error: true });
      }
    },
    [client, load],
  );

  const saveTo = useCallback(
    async (path: string) => {
      const { notebook, layout } = current.current;
      try {
        const result = await client.call('notebooks.save', { path, notebook, ...(layout !== null && { layout }) });
        // The host wrote exactly this text (the same formatter, the same layout): the next save keeps it.
        const written = formatNotebookText(notebook, layout);
        setState((s) => ({
          ...s,
          path: result.path,
          saved: notebookFingerprint(notebook),
          issues: [],
          layout: written,
        }));
        remember(result.path);
        if (isDesktop()) void client.call('shell.addRecentFile', { path: result.path }).catch(() => undefined);
        setMessage({ text: `saved ${result.path}`, error: false });
        return true;
      } catch (e) {
        setMessage({ text: `not saved: ${errorMessage(e)}`, error: true });
        return false;
      }
    },
    [client],
  );

  const edit = useCallback((change: (notebook: NotebookDraft) => NotebookDraft) => {
    setState((s) => ({ ...s, notebook: change(s.notebook) }));
  }, []);

  const reset = useCallback(() => {
    const notebook = newNotebook();
    load(null, notebook, [], { savedText: '' });
    setMessage(null);
  }, [load]);

  return useMemo(
    () => ({ state, dirty, message, setMessage, open, openText, saveTo, edit, reset, current }),
    [state, dirty, message, open, openText, saveTo, edit, reset],
  );
}
