import { describe, expect, it } from 'vitest';
import { validateNotebook } from '../../../common/notebook/validateNotebook';

function notebook(panels: unknown) {
  return {
    format: 'z1-notebook',
    version: 1,
    cells: [
      { type: 'model', id: 'm', model: { source: 'fixture:oracle' } },
      { type: 'dataset', id: 'd', dataset: { from: 'file', path: 'x.jsonl' } },
      { type: 'prompt', id: 'p', prompt: { template: '{{problem}}' } },
      { type: 'window', id: 'w', window: { strategy: 'shifted-window', window: [8, 16] } },
      { type: 'run', id: 'math' },
      { type: 'run', id: 'gpqa' },
      { type: 'plot', id: 'a', plot: { kind: 'accuracy-vs-window', runs: ['math'], title: 'MATH500', panels } },
      { type: 'plot', id: 'b', plot: { kind: 'accuracy-vs-window', runs: ['gpqa'], title: 'GPQA' } },
    ],
  };
}

describe('plot cell panels', () => {
  it('accepts other plot cells as panels', () => {
    const result = validateNotebook(notebook(['b']));
    expect(result.issues).toEqual([]);
    const cell = result.notebook!.cells[6]!;
    expect(cell.type === 'plot' && cell.plot.panels).toEqual(['b']);
  });

  it('names a panel that is missing, not a plot cell, or the cell itself', () => {
    const result = validateNotebook(notebook(['nope', 'math', 'a']));
    expect(result.issues.map((i) => i.message)).toEqual([
      'cells[6].plot.panels[0]: cell "nope" does not exist',
      'cells[6].plot.panels[1]: cell "math" is a run cell, not a plot cell',
      'cells[6].plot.panels[2]: a plot cell cannot be its own panel',
    ]);
  });

  it('rejects an empty list of panels', () => {
    const result = validateNotebook(notebook([]));
    expect(result.issues.map((i) => i.path)).toEqual(['cells[6].plot.panels']);
  });
});
