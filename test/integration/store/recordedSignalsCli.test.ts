/**
 * Per-token signals end to end (real llama.cpp, the stochastic fixture model, whose token
 * confidences its logit tables give): `z1wb run` with a run cell that records them, then
 * `z1wb runs signals` reads every sample's trace back from signals.bin, and the stored summaries
 * are those of the same values.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SampleSignals } from '../../../common/api/contract/runs';
import { summarizeSignals } from '../../../common/signals/summarizeSignals';
import { stochasticConfidences } from '../../../main/fixtures/stochasticConfidence';
import { stochasticProblems } from '../../../main/fixtures/stochasticSpec';
import { summaryFields } from '../../../main/runner/sampleRecord';
import { RunStore } from '../../../main/store/RunStore';
import { SIGNALS_FILE } from '../../../main/store/signalBlocks';
import { runCli as cli } from '../../helpers/runCli';

const GROUP = 4;
/** The engine's confidences agree with the tables to ~1e-3 (docs/fixtures.md); float16 adds 2^-11 relative. */
const TABLE_TOLERANCE = 2e-3;

async function notebook(dir: string): Promise<string> {
  const q01 = (await readFile(path.resolve('experiments/datasets/oracle.jsonl'), 'utf8')).split('\n')[0]!;
  await writeFile(
    path.join(dir, 'problems.jsonl'),
    ['q01a', 'q01b'].map((id) => q01.replace('"id":"q01"', `"id":"${id}"`)).join('\n') + '\n',
  );
  const cells = [
    {
      type: 'model',
      id: 'stochastic',
      metadata: {},
      model: {
        source: 'fixture:stochastic',
        contextSize: 256,
        threads: 1,
        parallel: 1,
        signals: { mode: 'summary', topK: 20, groupSize: GROUP },
      },
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
    { type: 'window', id: 'all', metadata: {}, window: { strategy: 'unbounded', maxTokens: 12 } },
    {
      type: 'run',
      id: 'traces',
      metadata: {},
      samples: 2,
      sampling: { temperature: 1, seed: 3, topP: 1 },
      recordSignals: true,
    },
  ];
  const file = path.join(dir, 'signals.z1.json');
  await writeFile(file, JSON.stringify({ format: 'z1-notebook', version: 1, metadata: { title: 'signals' }, cells }));
  return file;
}

describe('z1wb run with recordSignals, then z1wb runs signals (real llama.cpp, stochastic model)', () => {
  it("stores every token's signals and the summaries of the same values", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-signals-e2e-'));
    const storeDir = path.join(dir, 'store');
    const run = await cli(['run', await notebook(dir), '--store', storeDir, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const runId = (JSON.parse(run.stdout) as { runs: Array<{ id: string }> }).runs[0]!.id;
    expect(await readdir(path.join(storeDir, 'runs', runId))).toContain(SIGNALS_FILE);

    const store = await RunStore.open(storeDir, { allowReadOnly: true });
    const files = await store.runFiles(runId);
    const records = files.records();
    const trajectories = await Promise.all(records.map((r) => files.readTrajectory(r.key)));
    await store.close();
    expect(records.map((r) => r.key)).toEqual(['q01a#0', 'q01a#1', 'q01b#0', 'q01b#1']);
    const problemIndex = stochasticProblems.findIndex((p) => p.id === 'q01');
    for (const [i, record] of records.entries()) {
      const shown = await cli(['runs', 'signals', runId, record.key, '--store', storeDir, '--json']);
      expect(shown.code, shown.stderr).toBe(0);
      const signals = JSON.parse(shown.stdout) as SampleSignals;
      const tokens = trajectories[i]!.segments.flatMap((s) => s.tokens);
      expect(signals.tokens).toBe(tokens.length);
      expect(signals.spans.at(-1)!.end).toBe(tokens.length);
      expect(signals.topK).toBe(20);
      // The model generated every token here (no inserted text): every token has its values.
      expect([signals.logprob, signals.entropy, signals.confidence].flat().every((v) => v !== null)).toBe(true);
      const table = stochasticConfidences(problemIndex, 'plain', tokens, 20);
      signals.confidence.forEach((value, t) =>
        expect(Math.abs(value! - table[t]!)).toBeLessThan(TABLE_TOLERANCE * table[t]!),
      );
      // The record's summary is the engine's, from the unrounded values: float16 moves it by < 2^-11 relative.
      const fromStored = summaryFields(summarizeSignals(signals, { topK: 20, groupSize: GROUP }));
      for (const [field, value] of Object.entries(fromStored)) {
        const kept = record[field as keyof typeof fromStored]!;
        expect(Math.abs(kept - value!), `${record.key} ${field}`).toBeLessThanOrEqual(
          2 ** -11 * Math.abs(value!) + 1e-6,
        );
      }
    }
  }, 240_000);
});
