import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../common/api/contract/runs';
import { filterGroups, groupRuns, groupStatus, joinLabels } from '../../../renderer/src/runs/runGroups';

/** A stored run with only what grouping reads; the rest of the record does not matter here. */
function run(
  id: string,
  options: {
    cell: string;
    window?: number;
    label: string;
    index?: number;
    grader?: string;
    status?: string;
    notebook?: string;
  },
): RunRecord {
  return {
    id,
    notebook: { path: options.notebook ?? '/n/a.z1.json', cellId: options.cell, title: null },
    label: options.label,
    variant: { index: options.index ?? 0, of: 1 },
    status: options.status ?? 'complete',
    regradeOf: null,
    createdAt: `2026-12-04T10:00:0${options.index ?? 0}Z`,
    settings: {
      strategy: { strategy: 'shifted-window', window: options.window ?? 0 },
      grader: { grader: options.grader ?? 'math' },
      samples: 1,
    },
  } as unknown as RunRecord;
}

describe('stored runs by notebook and cell', () => {
  const sweep = [128, 8, 32].map((w, i) =>
    run(`r${w}`, { cell: 'z1', window: w, label: `shifted-window W=${w}`, index: [4, 0, 2][i] }),
  );

  it('makes a sweep one group, its windows in the order of the cell', () => {
    const [group] = groupRuns(sweep);
    expect(group!.runs.map((r) => r.id)).toEqual(['r8', 'r32', 'r128']);
    expect(group!.label).toBe('shifted-window W=8, 32, 128');
  });

  it('keeps other cells, other graders and other notebooks apart, sorted by notebook then cell', () => {
    const groups = groupRuns([
      ...sweep,
      run('b', { cell: 'baseline', label: 'unbounded (256 tokens)' }),
      run('g', { cell: 'z1', window: 8, label: 'shifted-window W=8', grader: 'regex' }),
      run('o', { cell: 'z1', window: 8, label: 'shifted-window W=8', notebook: '/m/b.z1.json' }),
    ]);
    expect(groups.map((g) => [g.notebookPath, g.cellId, g.runs.map((r) => r.id)])).toEqual([
      ['/m/b.z1.json', 'z1', ['o']],
      ['/n/a.z1.json', 'baseline', ['b']],
      ['/n/a.z1.json', 'z1', ['r8', 'r32', 'r128']],
      ['/n/a.z1.json', 'z1', ['g']],
    ]);
    expect(filterGroups(groups, 'BASE').map((g) => g.cellId)).toEqual(['baseline']);
    expect(filterGroups(groups, '', '/m/b.z1.json').map((g) => g.runs[0]!.id)).toEqual(['o']);
    expect(filterGroups(groups, 'w=32').map((g) => g.runs.length)).toEqual([3]);
  });

  it('writes the common start of the labels once and says when statuses differ', () => {
    expect(joinLabels(['budget-forcing max=16', 'budget-forcing max=128'])).toBe('budget-forcing max=16, 128');
    expect(joinLabels(['unbounded (320 tokens)'])).toBe('unbounded (320 tokens)');
    expect(joinLabels(['hard-cut W=8', 'shifted-window W=8'])).toBe('hard-cut W=8, shifted-window W=8');
    const [group] = groupRuns([sweep[0]!, { ...sweep[1]!, status: 'stopped' } as RunRecord, sweep[2]!]);
    expect(groupStatus(group!)).toBe('2 complete, 1 stopped');
  });
});
