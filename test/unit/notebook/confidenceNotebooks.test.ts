import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRunInputs } from '../../../common/notebook/validateNotebook';
import { strategyLabel } from '../../../common/settings/strategy';
import { expandWindowCell } from '../../../common/settings/windowCell';
import { EXAMPLES_DIR, openNotebookFile } from '../../../main/notebook/notebookFiles';

const RUN_CELLS = ['run-z1', 'run-s1', 'run-early-exit', 'run-deepconf', 'run-unbounded', 'run-majority'];

/** Each run cell's strategies (labels as the runner names its runs), samples and seed. */
async function runsOf(file: string) {
  const { notebook, issues } = await openNotebookFile(path.join(EXAMPLES_DIR, file));
  expect(issues).toEqual([]);
  const runs = RUN_CELLS.map((id) => {
    const { run, inputs } = resolveRunInputs(notebook!, id);
    return {
      id,
      strategies: expandWindowCell(inputs.window.window).map(strategyLabel),
      samples: run.samples,
      seed: run.sampling.seed,
      model: inputs.model.id,
    };
  });
  const plots = notebook!.cells.filter((c) => c.type === 'plot');
  return { notebook: notebook!, runs, plots };
}

describe('the confidence-strategies examples', () => {
  it('compare Z1, s1, early exit (two thresholds), DeepConf (low and high) and the unbounded baselines on the stochastic fixture, with one seed', async () => {
    const { notebook, runs, plots } = await runsOf('confidence-strategies.z1.json');
    expect(runs).toEqual([
      {
        id: 'run-z1',
        strategies: ['shifted-window W=16', 'shifted-window W=32', 'shifted-window W=64'],
        samples: 1,
        seed: 1,
        model: 'stochastic',
      },
      {
        id: 'run-s1',
        strategies: ['budget-forcing max=16', 'budget-forcing max=32', 'budget-forcing max=64'],
        samples: 1,
        seed: 1,
        model: 'stochastic',
      },
      {
        id: 'run-early-exit',
        strategies: ['early-exit θ=0.5 W=64', 'early-exit θ=0.9 W=64'],
        samples: 1,
        seed: 1,
        model: 'stochastic',
      },
      {
        id: 'run-deepconf',
        strategies: ['deepconf η=10% τ=0.95', 'deepconf η=90% τ=0.95'],
        samples: 8,
        seed: 1,
        model: 'stochastic',
      },
      { id: 'run-unbounded', strategies: ['unbounded (320 tokens)'], samples: 1, seed: 1, model: 'stochastic' },
      { id: 'run-majority', strategies: ['unbounded (320 tokens)'], samples: 8, seed: 1, model: 'stochastic' },
    ]);
    // The model records every token's signals, so each sample opens with its trace view.
    const model = notebook.cells.find((c) => c.type === 'model');
    expect(model?.type === 'model' && model.model.signals).toEqual({ mode: 'record', topK: 20, groupSize: 8 });
    expect(plots.map((p) => p.type === 'plot' && [p.plot.kind, p.plot.runs])).toEqual([
      ['efficiency-frontier', RUN_CELLS],
      ['accuracy-by-run', RUN_CELLS],
    ]);
  });

  it('has a MATH-500 version for R1-Distill-Qwen-7B with the same cells, maj@16 and DeepConf over 16 traces', async () => {
    const { runs, plots } = await runsOf('confidence-strategies-math500.z1.json');
    expect(runs.map((r) => [r.id, r.strategies.length, r.samples, r.seed, r.model])).toEqual([
      ['run-z1', 3, 1, 0, 'r1-distill-7b'],
      ['run-s1', 3, 1, 0, 'r1-distill-7b'],
      ['run-early-exit', 1, 1, 0, 'r1-distill-7b'],
      ['run-deepconf', 2, 16, 0, 'r1-distill-7b'],
      ['run-unbounded', 1, 1, 0, 'r1-distill-7b'],
      ['run-majority', 1, 16, 0, 'r1-distill-7b'],
    ]);
    expect(plots.map((p) => p.type === 'plot' && [p.plot.kind, p.plot.runs, p.plot.thinkingCount])).toEqual([
      ['efficiency-frontier', RUN_CELLS, 'phase1'],
    ]);
  });
});
