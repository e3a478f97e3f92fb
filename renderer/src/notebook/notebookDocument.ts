import {
  NOTEBOOK_FORMAT,
  NOTEBOOK_VERSION,
  type CellType,
  type NotebookCellInput,
  type NotebookInput,
} from '../../../common/notebook/notebookSchema';
import { Z1_HINT } from '../../../common/settings/strategy';

/**
 * Edits of a notebook as the user wrote it (the schema's input form: defaults stay implicit so
 * the saved file stays small and diff-able). Pure functions: the notebook hook applies them.
 */
export type NotebookCellDraft = NotebookCellInput;
export type NotebookDraft = NotebookInput & { cells: NotebookCellDraft[] };

export function newNotebook(title = 'Untitled'): NotebookDraft {
  return {
    format: NOTEBOOK_FORMAT,
    version: NOTEBOOK_VERSION,
    metadata: { title },
    cells: [
      defaultCell('markdown', 'intro'),
      defaultCell('model', 'model'),
      defaultCell('dataset', 'dataset'),
      defaultCell('prompt', 'prompt'),
      defaultCell('window', 'window'),
      defaultCell('run', 'run'),
      defaultCell('plot', 'curve'),
    ],
  };
}

/** A fresh cell of a type, with settings that validate (so it can run once its inputs exist). */
export function defaultCell(type: CellType, id: string): NotebookCellDraft {
  switch (type) {
    case 'markdown':
      return { type, id, source: '# Notes\n\nWhat this experiment asks, and what it found.' };
    case 'model':
      return { type, id, model: { source: 'hf:user/repo:Q4_K_M' } };
    case 'dataset':
      return { type, id, dataset: { from: 'file', path: 'datasets/problems.jsonl' } };
    case 'prompt':
      return { type, id, prompt: { template: '{{problem}}\n\nPut the final answer in \\boxed{}.' } };
    case 'window':
      return { type, id, window: { strategy: 'shifted-window', window: [512, 1024, 2048], hint: Z1_HINT } };
    case 'run':
      return { type, id, samples: 1 };
    case 'plot':
      return { type, id, plot: { kind: 'accuracy-vs-window', runs: ['run'] } };
  }
}

export function uniqueCellId(cells: readonly NotebookCellDraft[], type: CellType): string {
  const taken = new Set(cells.map((c) => c.id));
  if (!taken.has(type)) return type;
  for (let n = 2; ; n++) if (!taken.has(`${type}-${n}`)) return `${type}-${n}`;
}

export function insertCell(notebook: NotebookDraft, type: CellType, at: number): NotebookDraft {
  const cells = [...notebook.cells];
  cells.splice(at, 0, defaultCell(type, uniqueCellId(cells, type)));
  return { ...notebook, cells };
}

export function moveCell(notebook: NotebookDraft, id: string, delta: -1 | 1): NotebookDraft {
  const from = notebook.cells.findIndex((c) => c.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= notebook.cells.length) return notebook;
  const cells = [...notebook.cells];
  [cells[from], cells[to]] = [cells[to]!, cells[from]!];
  return { ...notebook, cells };
}

export function deleteCell(notebook: NotebookDraft, id: string): NotebookDraft {
  return { ...notebook, cells: notebook.cells.filter((c) => c.id !== id) };
}

export function replaceCell(notebook: NotebookDraft, id: string, cell: NotebookCellDraft): NotebookDraft {
  return { ...notebook, cells: notebook.cells.map((c) => (c.id === id ? cell : c)) };
}

/** Collapsed state lives in the cell's metadata, as Jupyter keeps it, so it survives a save. */
export function isCollapsed(cell: NotebookCellDraft): boolean {
  return (cell.metadata as Record<string, unknown> | undefined)?.collapsed === true;
}

export function setCollapsed(cell: NotebookCellDraft, collapsed: boolean): NotebookCellDraft {
  const metadata = { ...((cell.metadata as Record<string, unknown> | undefined) ?? {}) };
  if (collapsed) metadata.collapsed = true;
  else delete metadata.collapsed;
  const next = { ...cell, metadata } as NotebookCellDraft;
  // A cell written without metadata gets none back; one written with `"metadata": {}` keeps it.
  if (Object.keys(metadata).length === 0 && cell.metadata === undefined)
    delete (next as { metadata?: unknown }).metadata;
  return next;
}

/** A stable text of the notebook, to tell whether it changed since it was saved. */
export function notebookFingerprint(notebook: NotebookDraft): string {
  return JSON.stringify(notebook);
}

/** Multiline text fields are a string or a list of lines in the file; editors want one string. */
export function joinText(text: string | string[]): string {
  return Array.isArray(text) ? text.join('\n') : text;
}
