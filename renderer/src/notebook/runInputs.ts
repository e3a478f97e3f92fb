import type { NotebookCellDraft } from './notebookDocument';

const INPUT_TYPES = ['model', 'dataset', 'prompt', 'window'] as const;

/** A cell's settings without its front-end state (collapsed, …), which never changes a run. */
function settingsOf(cell: NotebookCellDraft | undefined): unknown {
  if (!cell) return null;
  const { metadata: _metadata, ...settings } = cell as NotebookCellDraft & { metadata?: unknown };
  return settings;
}

/**
 * What a run cell's results depend on, as text: its own settings and those of the cells it uses
 * (named by id, or the nearest of each type above). Results looked up under another key are
 * from other settings, and the cell says so.
 */
export function runInputsKey(cells: readonly NotebookCellDraft[], runCellId: string): string {
  const index = cells.findIndex((c) => c.id === runCellId);
  const run = cells[index];
  if (!run || run.type !== 'run') return '';
  const inputs = INPUT_TYPES.map((type) => {
    const ref = (run as Record<string, unknown>)[type];
    const found =
      typeof ref === 'string'
        ? cells.find((c) => c.id === ref)
        : cells
            .slice(0, index)
            .reverse()
            .find((c) => c.type === type);
    return settingsOf(found);
  });
  const { title: _title, ...runSettings } = settingsOf(run) as Record<string, unknown>;
  return JSON.stringify([runSettings, ...inputs]);
}
