import type { RunRecord } from '../../../common/api/contract/runs';

/**
 * Stored runs as a researcher thinks of them: per notebook and run cell, a sweep as one group
 * with its windows. Runs group when they come from the same cell with the same settings but for
 * the strategy's swept values (the window, a budget…); another grader, a regrading or other
 * sampling makes a group of its own.
 */
export interface RunGroup {
  key: string;
  notebookPath: string | null;
  cellId: string;
  /** The run cell's title when it has one, else its id. */
  cellName: string;
  /** In the order of the cell's window setting. */
  runs: RunRecord[];
  /** "shifted-window W=8, 16, 32": the labels with their common start written once. */
  label: string;
}

function groupKey(run: RunRecord): string {
  const { strategy, ...settings } = run.settings;
  return JSON.stringify([run.notebook.path, run.notebook.cellId, run.regradeOf ?? null, strategy.strategy, settings]);
}

/** The labels with their common start written once, cut after a space or "=". */
export function joinLabels(labels: readonly string[]): string {
  if (labels.length <= 1) return labels[0] ?? '';
  let common = labels[0]!;
  for (const label of labels) while (!label.startsWith(common)) common = common.slice(0, -1);
  const cut = Math.max(common.lastIndexOf(' '), common.lastIndexOf('=')) + 1;
  const prefix = common.slice(0, cut);
  return prefix + labels.map((l) => l.slice(prefix.length)).join(', ');
}

export function groupRuns(runs: readonly RunRecord[]): RunGroup[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = groupKey(run);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.entries()]
    .map(([key, members]) => {
      const sorted = [...members].sort(
        (a, b) => a.variant.index - b.variant.index || a.createdAt.localeCompare(b.createdAt),
      );
      const first = sorted[0]!;
      return {
        key,
        notebookPath: first.notebook.path,
        cellId: first.notebook.cellId,
        cellName: first.notebook.title ?? first.notebook.cellId,
        runs: sorted,
        label: joinLabels(sorted.map((r) => r.label)),
      };
    })
    .sort(
      (a, b) =>
        (a.notebookPath ?? '').localeCompare(b.notebookPath ?? '') ||
        a.cellId.localeCompare(b.cellId) ||
        a.runs[0]!.createdAt.localeCompare(b.runs[0]!.createdAt),
    );
}

/** Groups whose notebook, cell or runs mention `text` (case-insensitive), from `notebook` when given. */
export function filterGroups(groups: readonly RunGroup[], text: string, notebook: string | null = null): RunGroup[] {
  const needle = text.trim().toLowerCase();
  return groups.filter(
    (g) =>
      (notebook === null || g.notebookPath === notebook) &&
      (!needle ||
        [g.notebookPath ?? '', g.cellId, g.cellName, ...g.runs.flatMap((r) => [r.id, r.label])].some((s) =>
          s.toLowerCase().includes(needle),
        )),
  );
}

const STATUS_ORDER: readonly RunRecord['status'][] = ['complete', 'running', 'stopped'];

/** "complete", or "3 complete, 1 stopped" when the runs of a group differ. */
export function groupStatus(group: RunGroup): string {
  const counts = new Map<string, number>();
  for (const run of group.runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  if (counts.size === 1) return group.runs[0]!.status;
  return STATUS_ORDER.filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${status}`)
    .join(', ');
}
