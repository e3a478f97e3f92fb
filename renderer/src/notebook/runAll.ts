import type { CellType } from '../../../common/notebook/notebookSchema';

/**
 * Run all, as in Jupyter: every cell in order, each finished before the next starts, so a plot
 * cell below a run cell draws that run's samples. Model and prompt cells are left out: a run
 * loads its model itself (loading it in the model cell too would hold a second copy in memory),
 * and a prompt preview needs a loaded model.
 */
export const RUN_ALL_TYPES: ReadonlySet<CellType> = new Set<CellType>(['markdown', 'dataset', 'window', 'run', 'plot']);

/** The ids Run all (from = 0) or Run all below (from = the selected cell's index) runs, in order. */
export function runAllPlan(cells: ReadonlyArray<{ id: string; type: CellType }>, from = 0): string[] {
  return cells.slice(Math.max(0, from)).flatMap((cell) => (RUN_ALL_TYPES.has(cell.type) ? [cell.id] : []));
}

export type RunAllOutcome =
  | { state: 'complete'; ran: number }
  | { state: 'stopped'; ran: number; at: string }
  | { state: 'failed'; ran: number; at: string; error: string };

export interface RunInOrderOptions {
  /** Runs one cell; resolves when its work is done (a run cell: when its job ends), rejects on failure. */
  run(id: string): Promise<void> | void;
  /** Checked before each cell: Stop all sets it. */
  stopped(): boolean;
  onStep?(id: string, index: number): void;
}

/** Runs the cells one after the other; stops at the first failure, as Jupyter does. */
export async function runInOrder(ids: readonly string[], options: RunInOrderOptions): Promise<RunAllOutcome> {
  for (const [index, id] of ids.entries()) {
    if (options.stopped()) return { state: 'stopped', ran: index, at: id };
    options.onStep?.(id, index);
    try {
      await options.run(id);
    } catch (error) {
      if (options.stopped()) return { state: 'stopped', ran: index, at: id };
      return { state: 'failed', ran: index, at: id, error: error instanceof Error ? error.message : String(error) };
    }
  }
  return { state: 'complete', ran: ids.length };
}
