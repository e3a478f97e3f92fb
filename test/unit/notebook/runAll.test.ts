import { describe, expect, it } from 'vitest';
import type { CellType } from '../../../common/notebook/notebookSchema';
import { notebookCommand, type KeyLike } from '../../../renderer/src/notebook/notebookShortcuts';
import { runAllPlan, runInOrder } from '../../../renderer/src/notebook/runAll';

const CELLS: Array<{ id: string; type: CellType }> = [
  { id: 'intro', type: 'markdown' },
  { id: 'oracle', type: 'model' },
  { id: 'problems', type: 'dataset' },
  { id: 'think', type: 'prompt' },
  { id: 'z1', type: 'window' },
  { id: 'run-z1', type: 'run' },
  { id: 'run-s1', type: 'run' },
  { id: 'curve', type: 'plot' },
];

describe('Run all', () => {
  it('runs every cell but model and prompt cells, top to bottom', () => {
    expect(runAllPlan(CELLS)).toEqual(['intro', 'problems', 'z1', 'run-z1', 'run-s1', 'curve']);
  });

  it('Run all below starts at the selected cell', () => {
    expect(runAllPlan(CELLS, 6)).toEqual(['run-s1', 'curve']);
    expect(runAllPlan(CELLS, -1)).toEqual(runAllPlan(CELLS));
  });

  it('waits for each cell before the next one starts', async () => {
    const log: string[] = [];
    const outcome = await runInOrder(['a', 'b', 'c'], {
      run: async (id) => {
        log.push(`start ${id}`);
        await new Promise((resolve) => setTimeout(resolve, id === 'a' ? 20 : 1));
        log.push(`end ${id}`);
      },
      stopped: () => false,
    });
    expect(outcome).toEqual({ state: 'complete', ran: 3 });
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('stops at the first failure and names the cell and the error', async () => {
    const ran: string[] = [];
    const outcome = await runInOrder(['a', 'b', 'c'], {
      run: (id) => {
        ran.push(id);
        if (id === 'b') throw new Error('run failed: no such file datasets/missing.jsonl');
      },
      stopped: () => false,
    });
    expect(outcome).toEqual({
      state: 'failed',
      ran: 1,
      at: 'b',
      error: 'run failed: no such file datasets/missing.jsonl',
    });
    expect(ran).toEqual(['a', 'b']);
  });

  it('Stop all ends the sequence before the next cell; a cell cancelled by it counts as stopped', async () => {
    let stop = false;
    const ran: string[] = [];
    const outcome = await runInOrder(['a', 'b', 'c'], {
      run: async (id) => {
        ran.push(id);
        if (id === 'b') {
          stop = true;
          throw new Error('stopped');
        }
      },
      stopped: () => stop,
    });
    expect(outcome).toEqual({ state: 'stopped', ran: 1, at: 'b' });
    expect(ran).toEqual(['a', 'b']);
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: Partial<KeyLike>): KeyLike => ({
    key: '',
    code: '',
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...k,
  });

  it('maps Ctrl (or Cmd) combinations to notebook commands', () => {
    expect(notebookCommand(key({ key: 'Enter', ctrlKey: true, shiftKey: true }))).toBe('runAll');
    expect(notebookCommand(key({ key: 'Enter', metaKey: true, shiftKey: true }))).toBe('runAll');
    expect(notebookCommand(key({ key: 'Enter', ctrlKey: true, altKey: true }))).toBe('runAllBelow');
    expect(notebookCommand(key({ key: '>', code: 'Period', ctrlKey: true, shiftKey: true }))).toBe('stopAll');
    expect(notebookCommand(key({ key: 's', ctrlKey: true }))).toBe('save');
    expect(notebookCommand(key({ key: 'S', ctrlKey: true, shiftKey: true }))).toBe('saveAs');
    expect(notebookCommand(key({ key: 'o', ctrlKey: true }))).toBe('open');
  });

  it('leaves other keys to the editor (Shift+Enter runs one cell, Ctrl+Enter is Monaco’s)', () => {
    expect(notebookCommand(key({ key: 'Enter', shiftKey: true }))).toBeNull();
    expect(notebookCommand(key({ key: 'Enter', ctrlKey: true }))).toBeNull();
    expect(notebookCommand(key({ key: '.', code: 'Period', ctrlKey: true }))).toBeNull();
    expect(notebookCommand(key({ key: 's', ctrlKey: true, altKey: true }))).toBeNull();
    expect(notebookCommand(key({ key: 's' }))).toBeNull();
  });
});
