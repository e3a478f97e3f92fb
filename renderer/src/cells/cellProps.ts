import type { MutableRefObject } from 'react';
import type { NotebookCellDraft } from '../notebook/notebookDocument';

/** What every cell body gets: its cell, a way to change it, and a slot for its Shift+Enter action. */
export interface CellProps<T extends NotebookCellDraft['type'] = NotebookCellDraft['type']> {
  cell: Extract<NotebookCellDraft, { type: T }>;
  index: number;
  cells: readonly NotebookCellDraft[];
  onChange(cell: NotebookCellDraft): void;
  /**
   * The body puts its "run" here (Shift+Enter, the frame's ▶ button, Run all). Run all waits for
   * the promise (a run cell's settles when its job ends; it rejects when the job fails).
   */
  runRef: MutableRefObject<(() => Promise<void> | void) | null>;
  /** The body reports whether its settings are valid; the frame turns red when not. */
  onValidity(valid: boolean): void;
}
