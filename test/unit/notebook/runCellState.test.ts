import { describe, expect, it } from 'vitest';
import { answerMarkdown } from '../../../renderer/src/markdown/mathMode';
import { branchLabels } from '../../../renderer/src/runs/branchLabels';
import { runInputsKey } from '../../../renderer/src/notebook/runInputs';
import type { NotebookCellDraft } from '../../../renderer/src/notebook/notebookDocument';
import { EtaEstimator } from '../../../renderer/src/runs/etaEstimate';
import { JobEnds } from '../../../renderer/src/runs/jobEnds';

describe('the ETA of a run', () => {
  it('does not over-estimate at the start: the clock starts at the first stored sample, after loading', () => {
    // A 48-sample run: 3 s of model loading, then 4 samples every 1/3 s (12 samples/s).
    const eta = new EtaEstimator();
    const at = (samples: number) => 3 + (samples / 4) * (1 / 3);
    // The host's estimate counts the loading: after the first 4 samples it says 44 / (4 / 3.33) = 36.7 s.
    expect(eta.update(4, 48, at(4))).toBeNull();
    expect(eta.update(8, 48, at(8))).toBeCloseTo(40 / 12, 6);
    expect(eta.update(24, 48, at(24))).toBeCloseTo(24 / 12, 6);
    expect(eta.update(48, 48, at(48))).toBe(0);
  });

  it('says nothing until the count has moved', () => {
    const eta = new EtaEstimator();
    expect(eta.update(10, 100, 5)).toBeNull();
    expect(eta.update(10, 100, 6)).toBeNull();
    expect(eta.update(20, 100, 7)).toBe(80 / 5);
  });
});

describe('results from other settings', () => {
  const cells: NotebookCellDraft[] = [
    { type: 'model', id: 'm', model: { source: 'fixture:oracle' } },
    { type: 'dataset', id: 'd', dataset: { from: 'file', path: 'a.jsonl' } },
    { type: 'prompt', id: 'p', prompt: { template: '{{problem}}' } },
    { type: 'window', id: 'w', window: { strategy: 'shifted-window', window: [8, 16] } },
    { type: 'window', id: 'other', window: { strategy: 'unbounded' } },
    { type: 'run', id: 'r', window: 'w' },
  ];
  const key = runInputsKey(cells, 'r');
  const edit = (id: string, cell: NotebookCellDraft) => cells.map((c) => (c.id === id ? cell : c));

  it('changes when the run cell or any cell it uses changes', () => {
    expect(
      runInputsKey(edit('w', { type: 'window', id: 'w', window: { strategy: 'hard-cut', window: 8 } }), 'r'),
    ).not.toBe(key);
    expect(
      runInputsKey(edit('d', { type: 'dataset', id: 'd', dataset: { from: 'file', path: 'b.jsonl' } }), 'r'),
    ).not.toBe(key);
    expect(runInputsKey(edit('r', { type: 'run', id: 'r', window: 'w', samples: 4 }), 'r')).not.toBe(key);
  });

  it('stays when a cell it does not use, a title or a collapsed state changes', () => {
    expect(
      runInputsKey(edit('other', { type: 'window', id: 'other', window: { strategy: 'hard-cut', window: 1 } }), 'r'),
    ).toBe(key);
    expect(runInputsKey(edit('r', { type: 'run', id: 'r', window: 'w', title: 'Z1' }), 'r')).toBe(key);
    expect(
      runInputsKey(
        edit('m', { type: 'model', id: 'm', metadata: { collapsed: true }, model: { source: 'fixture:oracle' } }),
        'r',
      ),
    ).toBe(key);
  });
});

describe('answers typeset as math', () => {
  it('wraps bare LaTeX in $…$ and leaves plain answers and Markdown with math alone', () => {
    expect(answerMarkdown('\\frac{1}{2}')).toBe('$\\frac{1}{2}$');
    expect(answerMarkdown('x^2')).toBe('$x^2$');
    expect(answerMarkdown('42')).toBe('42');
    expect(answerMarkdown('$\\pi$ radians')).toBe('$\\pi$ radians');
  });
});

describe('the branches of a live sweep', () => {
  it('are named by window, smallest first, as the engine streams them', () => {
    expect(branchLabels({ strategy: 'shifted-window', window: [64, 16, 32, 16] })).toEqual(['W=16', 'W=32', 'W=64']);
    expect(branchLabels({ strategy: 'shifted-window', window: 512 })).toEqual(['W=512']);
  });

  it('have no names where the order is not the windows’ (mixed strategies) or nothing branches', () => {
    expect(
      branchLabels([
        { strategy: 'shifted-window', window: [8, 16] },
        { strategy: 'budget-forcing', maxThinkingTokens: 8 },
      ]),
    ).toEqual([]);
    expect(branchLabels({ strategy: 'hard-cut', window: [8, 16] })).toEqual([]);
    expect(branchLabels({ strategy: 'shifted-window', window: 'many' })).toEqual([]);
  });
});

describe('waiting for a run cell’s job (Run all)', () => {
  it('resolves when the job completes, also when it ended before anyone waited', async () => {
    const ends = new JobEnds();
    ends.settle('cached', { state: 'complete', error: null });
    expect(ends.has('cached')).toBe(true);
    await expect(ends.wait('cached')).resolves.toBeUndefined();
    expect(ends.has('cached')).toBe(false);
    const later = ends.wait('job');
    ends.settle('job', { state: 'complete', error: null });
    await expect(later).resolves.toBeUndefined();
  });

  it('rejects with the error when the job fails, and with "stopped" when it is stopped', async () => {
    const ends = new JobEnds();
    const failed = ends.wait('a');
    ends.settle('a', { state: 'failed', error: 'dataset file not found: x.jsonl' });
    await expect(failed).rejects.toThrow('run failed: dataset file not found: x.jsonl');
    ends.settle('b', { state: 'stopped', error: 'cancelled' });
    await expect(ends.wait('b')).rejects.toThrow(/^stopped$/);
  });
});
