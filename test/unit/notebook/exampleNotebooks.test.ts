import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRunInputs } from '../../../common/notebook/validateNotebook';
import { Z1_HINT } from '../../../common/settings/strategy';
import { expandWindowCell } from '../../../common/settings/windowCell';
import { loadDataset } from '../../../main/datasets/loadDataset';
import { EXAMPLES_DIR, exampleNotebooks, openNotebookFile } from '../../../main/notebook/notebookFiles';

describe('example notebooks in experiments/', () => {
  it('are valid, and their shipped datasets load without a bad row', async () => {
    const examples = await exampleNotebooks();
    expect(examples.map((e) => path.basename(e.path))).toEqual([
      'code-problems.z1.json',
      'confidence-strategies-math500.z1.json',
      'confidence-strategies.z1.json',
      'gpqa-diamond.z1.json',
      'livecodebench.z1.json',
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

  it("that follow the paper's evaluation use its prompt, its plain hint and greedy decoding", async () => {
    const expected = {
      'math500.z1.json': {
        run: 'z1-math',
        system: 'Please reason step by step, and put your final answer within \\boxed{}.',
        think: '',
        windows: [1024, 2048, 4096],
      },
      'gpqa-diamond.z1.json': {
        run: 'z1-gpqa',
        system: 'Please reason step by step, and put your final answer within \\boxed{}.',
        think: '',
        windows: [2048],
      },
      'livecodebench.z1.json': {
        run: 'z1-lcb',
        system: 'You are a helpful assistant.',
        think: '<think>',
        windows: [2048],
      },
    };
    for (const [file, want] of Object.entries(expected)) {
      const { notebook } = await openNotebookFile(path.join(EXAMPLES_DIR, file));
      const { run, inputs } = resolveRunInputs(notebook!, want.run);
      const windows = expandWindowCell(inputs.window.window).filter((s) => s.strategy === 'shifted-window');
      expect(
        {
          system: inputs.prompt.prompt.systemPrompt,
          think: inputs.prompt.prompt.thinkPrefix,
          hints: windows.map((s) => (s as { hint: string }).hint),
          windows: windows.map((s) => (s as { window: number }).window),
          temperature: run.sampling.temperature,
        },
        file,
      ).toEqual({
        system: want.system,
        think: want.think,
        hints: want.windows.map(() => Z1_HINT),
        windows: want.windows,
        temperature: 0,
      });
    }
  });
});
