import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOutcomes, type OracleStrategy } from '../../../main/fixtures/oracleSpec';
import { histogram, mean, median, wilsonInterval } from '../../../main/store/statistics';
import { runCli as cli } from '../../helpers/runCli';


interface RunJson {
  id: string;
  cell: string;
  strategy: string;
  window: number | null;
  status: string;
  origin: string;
  samples: number;
  accuracy: { value: number; low: number; high: number };
  meanThinkingTokens: number;
  medianThinkingTokens: number;
  thinkingHistogram: { binWidth: number; bins: Array<{ start: number; end: number; count: number }> };
}

/** What the oracle spec says each run of the notebook must give: accuracy and Z1's thinking tokens. */
function expected(strategy: OracleStrategy) {
  const outcomes = expectOutcomes('plain', strategy);
  const thinking = outcomes.map((o) => o.thinkingTokens);
  const correct = outcomes.filter((o) => o.correct).length;
  return { accuracy: wilsonInterval(correct, outcomes.length), thinking };
}

describe('z1wb run experiments/oracle-sweep.z1.json (real llama.cpp, oracle fixture model)', () => {
  it('gives the exact accuracies and thinking-token histograms, then reuses every run', async () => {
    const store = await mkdtemp(path.join(os.tmpdir(), 'z1wb-oracle-cli-'));
    const first = await cli(['run', 'experiments/oracle-sweep.z1.json', '--store', store, '--json']);
    expect(first.stderr).toMatch(/z1-sweep \[#+\] 60\/60 samples/);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { runs: RunJson[]; errors: string[] };
    expect(summary.errors).toEqual([]);
    expect(summary.runs.map((r) => [r.cell, r.strategy, r.window, r.status, r.origin, r.samples])).toEqual([
      ['z1-sweep', 'shifted-window', 8, 'complete', 'new', 12],
      ['z1-sweep', 'shifted-window', 16, 'complete', 'new', 12],
      ['z1-sweep', 'shifted-window', 32, 'complete', 'new', 12],
      ['z1-sweep', 'shifted-window', 64, 'complete', 'new', 12],
      ['z1-sweep', 'shifted-window', 128, 'complete', 'new', 12],
      ['baseline', 'unbounded', null, 'complete', 'new', 12],
    ]);
    // Accuracy at W is the share of problems whose thinking fits: 1, 3, 6, 9, 12 of 12.
    expect(summary.runs.map((r) => Math.round(r.accuracy.value * 12))).toEqual([1, 3, 6, 9, 12, 12]);
    for (const run of summary.runs) {
      const strategy: OracleStrategy =
        run.window === null
          ? { strategy: 'unbounded', maxTokens: 256 }
          : { strategy: 'shifted-window', window: run.window };
      const want = expected(strategy);
      expect(run.accuracy).toEqual({ value: want.accuracy.value, low: want.accuracy.low, high: want.accuracy.high });
      expect(run.meanThinkingTokens).toBeCloseTo(mean(want.thinking), 10);
      expect(run.medianThinkingTokens).toBe(median(want.thinking));
      expect(run.thinkingHistogram).toEqual(histogram(want.thinking));
    }
    // Spelled out for one window: W = 32 cuts q06–q11 at 32; the rest end by themselves.
    const w32 = summary.runs[2]!;
    expect(w32.thinkingHistogram.binWidth).toBe(1);
    expect(
      Object.fromEntries(w32.thinkingHistogram.bins.filter((b) => b.count > 0).map((b) => [b.start, b.count])),
    ).toEqual({ 8: 1, 12: 1, 16: 1, 20: 1, 24: 1, 32: 7 });

    const again = await cli(['run', 'experiments/oracle-sweep.z1.json', '--store', store, '--json']);
    expect(again.code).toBe(0);
    const reused = JSON.parse(again.stdout) as { runs: RunJson[] };
    expect(reused.runs.map((r) => r.origin)).toEqual(['cached', 'cached', 'cached', 'cached', 'cached', 'cached']);
    expect(reused.runs.map((r) => r.id)).toEqual(summary.runs.map((r) => r.id));

    const shown = JSON.parse((await cli(['runs', 'show', w32.id, '--store', store, '--json'])).stdout);
    expect(shown.provenance).toMatchObject({
      model: { source: 'fixture:oracle', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      llamaCpp: { release: expect.any(String), backend: expect.any(String) },
      dataset: { problems: 12, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const samplesCsv = (await cli(['runs', 'export', w32.id, '--store', store])).stdout.trim().split('\n');
    expect(samplesCsv).toHaveLength(13);
    const trajectories = (await readFile(path.join(store, 'runs', w32.id, 'trajectories.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const q06 = trajectories.find((t) => t.key === 'q06#0');
    expect(q06.text).toContain('I overthought it, the final answer should be:');
    expect(q06.grade).toMatchObject({ outcome: 'wrong', extracted: '0' });
  });
});
