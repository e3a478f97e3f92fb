/**
 * DeepConf online through `z1wb run` (runner, store, engine on real llama.cpp or through a real
 * llama-server, the stochastic fixture model): a notebook runs the same traces twice, once as a deepconf run and once in full
 * (unbounded, the same seeds and budget), and the full run says what DeepConf must have done:
 * each problem's threshold (a percentile of its warm-up traces' lowest group confidences), which
 * later traces the threshold stopped and at which token, and after how many traces the weighted
 * vote reached τ.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../../common/api/contract/runs';
import { stoppingThreshold } from '../../../common/signals/deepConfVote';
import { windowMeans } from '../../../common/signals/summarizeSignals';
import { stochasticConfidences } from '../../../main/fixtures/stochasticConfidence';
import { stochasticProblems } from '../../../main/fixtures/stochasticSpec';
import type { Experiments } from '../../../main/api/experiments';
import { Workbench } from '../../../main/api/Workbench';
import { spawnNodeEngine } from '../../../main/engine-supervisor/nodeEngineChild';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { RunStore } from '../../../main/store/RunStore';
import { STORE_ENV } from '../../../main/store/storeDir';
import { runCli as cli } from '../../helpers/runCli';
import { startLlamaServer, type LlamaServer } from '../remote/llamaServer';

const REPO = path.resolve('.');
const SAMPLES = 8;
const WARMUP = 1;
const KEEP = 50;
const GROUP = 4;
/** q01 (3 fixed steps, stop probability 1/4) answers within 7 tokens when it loops at most twice. */
const MAX_TOKENS = 7;
/** Four problems that are all q01 to the model (its selector word), sampled apart (their ids seed them). */
const PROBLEMS = ['q01a', 'q01b', 'q01c', 'q01d'];
const SEED = 5;

async function notebook(dir: string, seed: number, model: Record<string, unknown>): Promise<string> {
  const q01 = (await readFile(path.join(REPO, 'experiments/datasets/oracle.jsonl'), 'utf8')).split('\n')[0]!;
  const rows = PROBLEMS.map((id) => q01.replace('"id":"q01"', `"id":"${id}"`));
  await writeFile(path.join(dir, 'problems.jsonl'), rows.join('\n') + '\n');
  const run = (id: string, window: string) => [
    { type: 'window', id: window, metadata: {}, window: windows[window] },
    { type: 'run', id, metadata: {}, samples: SAMPLES, sampling: { temperature: 1, seed, topP: 1 } },
  ];
  const windows: Record<string, unknown> = {
    online: { strategy: 'deepconf', warmupTraces: WARMUP, keepPercent: KEEP, maxTokens: MAX_TOKENS },
    all: { strategy: 'unbounded', maxTokens: MAX_TOKENS },
  };
  const file = path.join(dir, 'deepconf.z1.json');
  const cells = [
    {
      type: 'model',
      id: 'stochastic',
      metadata: {},
      model: { ...model, signals: { mode: 'summary', topK: 20, groupSize: GROUP } },
    },
    {
      type: 'dataset',
      id: 'problems',
      metadata: {},
      dataset: { from: 'file', path: 'problems.jsonl' },
      grader: { grader: 'math' },
    },
    {
      type: 'prompt',
      id: 'chatml',
      metadata: {},
      prompt: { template: '<|im_start|>user\n{{problem}}<|im_end|>\n<|im_start|>assistant\n', chatTemplate: 'raw' },
    },
    ...run('deepconf', 'online'),
    ...run('full', 'all'),
  ];
  await writeFile(file, JSON.stringify({ format: 'z1-notebook', version: 1, metadata: { title: 'deepconf' }, cells }));
  return file;
}

const runOfId = (experiments: Experiments, cell: string) =>
  experiments.store.list().find((r) => r.notebook.cellId === cell)!.id;

interface FullTrace {
  record: SampleRecord;
  /** Its tokens' confidences as the model's tables give them (stochasticConfidence.ts). */
  confidence: number[];
}

/**
 * Engine and tables agree to ~1e-3 (deepConfOnline.test.ts). A window whose mean is within this
 * of the threshold is the very window that set it (the warm-up's traces repeat): it does not
 * stop the trace. Every other window is further away than SEPARATED, which the test checks.
 */
const SAME = 0.02;
const SEPARATED = 0.1;

/** What DeepConf must do on one problem, from its traces generated in full. */
function expectedOnline(full: FullTrace[]) {
  const threshold = stoppingThreshold(
    full.slice(0, WARMUP).map((t) => t.record.lowestGroupConfidence),
    KEEP,
  )!;
  // Every answer a trace reaches is the right one, so the vote agrees (consensus 1) as soon as
  // one trace that was not stopped has an answer.
  const voted = (t: FullTrace, stopAt: number | null) => stopAt === null && t.record.answerKey !== null;
  let count = WARMUP;
  let agreed = full.slice(0, WARMUP).some((t) => voted(t, null));
  const stops: Array<number | null> = full.slice(0, WARMUP).map(() => null);
  while (!agreed && count < SAMPLES) {
    const trace = full[count]!;
    const means = windowMeans(trace.confidence, GROUP);
    for (const mean of means) {
      const distance = Math.abs(mean - threshold);
      expect(distance < SAME || distance > SEPARATED, `${trace.record.key}: window ${mean} near ${threshold}`).toBe(
        true,
      );
    }
    // A trace shorter than the group has one partial window, which is never judged.
    const at = trace.confidence.length < GROUP ? -1 : means.findIndex((mean) => mean < threshold - SAME);
    stops.push(at < 0 ? null : at + GROUP - 1);
    agreed = voted(trace, stops.at(-1)!);
    count += 1;
  }
  return { threshold, count, stops };
}

/**
 * Runs the notebook and checks every problem's deepconf samples against its full traces: which
 * exist, their stop reasons and token counts. Returns the store and what happened.
 */
async function runAndCheck(model: Record<string, unknown>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-deepconf-'));
  const store = path.join(dir, 'store');
  const result = await cli(['run', await notebook(dir, SEED, model), '--store', store, '--json']);
  expect(result.code, result.stderr).toBe(0);
  // Progress counts the samples that may still come, so the run ends at its total.
  expect(result.stderr).toMatch(/deepconf \[#+\] (\d+)\/\1 samples/);

  const opened = await RunStore.open(store);
  try {
    const runOf = (cell: string) => opened.list().find((r) => r.notebook.cellId === cell)!;
    expect(runOf('deepconf').status).toBe('complete');
    const online = await opened.runFiles(runOf('deepconf').id);
    const full = await opened.runFiles(runOf('full').id);
    let continued = 0;
    let stopped = 0;
    let answered = 0;
    for (const problemId of PROBLEMS) {
      const traces: FullTrace[] = [];
      const problemIndex = stochasticProblems.findIndex((p) => p.id === 'q01');
      for (const record of full.records().filter((r) => r.problemId === problemId)) {
        const tokens = (await full.readTrajectory(record.key)).segments.flatMap((s) => s.tokens);
        traces.push({
          record,
          confidence: stochasticConfidences(problemIndex, 'plain', tokens, 20),
        });
      }
      traces.sort((a, b) => a.record.sampleIndex - b.record.sampleIndex);
      const want = expectedOnline(traces);
      const got = online
        .records()
        .filter((r) => r.problemId === problemId)
        .sort((a, b) => a.sampleIndex - b.sampleIndex);
      expect(
        got.map((r) => r.sampleIndex),
        problemId,
      ).toEqual([...Array(want.count).keys()]);
      got.forEach((record, i) => {
        const at = want.stops[i]!;
        const reference = traces[i]!.record;
        expect(record.stopReason, `${record.key}`).toBe(at === null ? reference.stopReason : 'low-confidence');
        expect(record.totalTokens, `${record.key}`).toBe(at === null ? reference.totalTokens : at + 1);
        if (at !== null) expect(record.lowestGroupConfidence!).toBeLessThan(want.threshold);
      });
      if (want.count > WARMUP) continued += 1;
      if (got.some((r) => r.stopReason !== 'low-confidence' && r.answerKey !== null)) answered += 1;
      stopped += want.stops.filter((s) => s !== null).length;
    }
    // The run's answer per problem is the weighted vote of the samples that were not stopped:
    // right wherever one of them answered (every answer the model reaches is right).
    expect(runOf('deepconf').summary!.deepconf!.weighted).toBe(answered / PROBLEMS.length);
    expect(runOf('deepconf').done).toBeLessThanOrEqual(runOf('deepconf').planned);
    return { store, stdout: result.stdout, continued, stopped, samples: runOf('deepconf').done };
  } finally {
    await opened.close();
  }
}

describe('z1wb run with a deepconf window (real llama.cpp, stochastic model)', () => {
  it('stops the traces and the sampling exactly where the full traces say', async () => {
    const { store, stdout, continued, stopped, samples } = await runAndCheck({
      source: 'fixture:stochastic',
      contextSize: 256,
      threads: 1,
      parallel: 1,
    });
    // q01's confidences are 90.84, 84.19, 87.84 and 74.31 (docs/fixtures.md; the same on both
    // backends). A warm-up trace that loops three times or more is cut without an answer, its
    // lowest window [84.19, 87.84, 87.84, 87.84] = 86.93 the threshold; every later trace that
    // answers has a window with the answer token's 74.31 below it (at most 85.05, with no loop),
    // so it stops at its answer and does not vote, and the problem samples all 8 traces; later
    // traces cut like the warm-up have windows equal to the threshold, which the rounding of
    // stored summaries must not stop. A warm-up trace that answers ends its problem at once.
    // Seed 5: three problems with cut warm-ups (3 × 8 + 1 = 25 samples), 13 of whose 21 later
    // traces answer and are stopped.
    expect([continued, stopped, samples]).toEqual([3, 13, 25]);

    // Generated again from the stored run (later traces under their stored thresholds,
    // itemsAsGenerated): token for token the same.
    const workbench = new Workbench({
      host: 'cli',
      storeDir: store,
      spawnEngine: spawnNodeEngine({ env: { [STORE_ENV]: store } }),
    });
    const experiments = await workbench.experiments();
    try {
      const diff = await experiments.runner.rerunDiff(runOfId(experiments, 'deepconf'));
      expect(diff).toMatchObject({ compared: 25, identical: 25, differing: [] });
    } finally {
      await experiments.runner.close();
      await experiments.store.close();
      await workbench.close();
    }

    // Graded again under another grader: complete with the same samples, none generated.
    const source = JSON.parse(stdout).runs.find((r: { cell: string }) => r.cell === 'deepconf');
    const regraded = await cli([
      'runs',
      'regrade',
      source.id,
      '--settings',
      '{"grader":"exact"}',
      '--store',
      store,
      '--json',
    ]);
    expect(regraded.code, regraded.stderr).toBe(0);
    const again = JSON.parse(regraded.stdout).runs[0];
    expect([again.status, again.origin, again.samples, again.regradeOf]).toEqual([
      'complete',
      'regraded',
      source.samples,
      source.id,
    ]);
  });
});

describe('z1wb run with a deepconf window over llama-server (real llama-server, stochastic model)', () => {
  let server: LlamaServer;
  beforeAll(async () => {
    server = await startLlamaServer({ modelPath: await ensureFixtureFile('stochastic'), parallel: 1 });
  }, 900_000);
  afterAll(async () => {
    await server?.kill();
  });

  it('stops the traces and the sampling exactly where the full traces say, from the confidences the server reports', async () => {
    // The same confidences as locally, so the same rule (above): the server draws its own tokens.
    const { continued, stopped, samples } = await runAndCheck({ source: `openai:${server.baseUrl}` });
    // Seed 5 on the server (it draws its own tokens): three problems sampled past their warm-up,
    // nine traces stopped, 25 of the 32 samples generated.
    expect([continued, stopped, samples]).toEqual([3, 9, 25]);
  });
});
