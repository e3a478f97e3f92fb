import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../main/datasets/loadDataset';
import { EXAMPLES_DIR, exampleNotebooks, openNotebookFile } from '../../../main/notebook/notebookFiles';

describe('example notebooks in experiments/', () => {
  it('are valid, and their shipped datasets load without a bad row', async () => {
    const examples = await exampleNotebooks();
    expect(examples.map((e) => path.basename(e.path))).toEqual([
      'code-problems.z1.json',
      'math500.z1.json',
      'oracle-sweep.z1.json',
      'z1-vs-s1.z1.json',
    ]);
    for (const example of examples) {
      const opened = await openNotebookFile(example.path);
      expect(opened.issues, example.path).toEqual([]);
      for (const cell of opened.notebook!.cells) {
        if (cell.type !== 'dataset' || cell.dataset.from !== 'file') continue;
        const dataset = await loadDataset(cell.dataset, { baseDir: EXAMPLES_DIR, storeDir: EXAMPLES_DIR });
        expect(dataset.skipped, cell.dataset.path).toEqual([]);
        expect(dataset.rows.length).toBeGreaterThan(0);
      }
    }
  });
});
