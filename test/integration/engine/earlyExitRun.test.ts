/**
 * Early exit through `z1wb run` (runner, store, engine on real llama.cpp, the oracle model's
 * confidence problems): a window cell with a list of thresholds stores one run per threshold,
 * each sample with the spec's answer, tokens, discarded tokens and probes, and the efficiency
 * frontier (common/figures/efficiencyFrontier.ts) shows the known points.
 */
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { frontierPoints, type FrontierSample } from '../../../common/figures/efficiencyFrontier';
import { DEER_INDUCING_TEXT } from '../../../common/settings/strategy';
import { confidenceChain, confidenceProblems, expectEarlyExit } from '../../../main/fixtures/confidenceSpec';
import { RunStore } from '../../../main/store/RunStore';
import { runCli as cli } from '../../helpers/runCli';
import { loadLocalEngine } from './localEngine';

const THRESHOLDS = [0.5, 0.8, 0.95, 0.965];
const MAX_TOKENS = 64;

async function notebook(dir: string): Promise<string> {
  await copyFile(path.resolve('experiments/datasets/oracle-confidence.jsonl'), path.join(dir, 'confidence.jsonl'));
  const cells = [
    { type: 'model', id: 'oracle', metadata: {}, model: { source: 'fixture:oracle', contextSize: 256, threads: 1 } },
    {
      type: 'dataset',
      id: 'problems',
      metadata: {},
      dataset: { from: 'file', path: 'confidence.jsonl' },
      grader: { grader: 'math' },
    },
    {
      type: 'prompt',
      id: 'think',
      metadata: {},
      prompt: {
        template: '<|im_start|>user\n{{problem}}<|im_end|>\n<|im_start|>assistant\n',
        chatTemplate: 'raw',
        thinkPrefix: '<think>\n',
      },
    },
    {
      type: 'window',
      id: 'deer',
      metadata: {},
      window: { strategy: 'early-exit', threshold: THRESHOLDS, maxTokens: MAX_TOKENS },
    },
    { type: 'run', id: 'exits', metadata: {}, samples: 1 },
    { type: 'window', id: 'none', metadata: {}, window: { strategy: 'unbounded', maxTokens: MAX_TOKENS } },
    { type: 'run', id: 'full', metadata: {}, samples: 1 },
  ];
  const file = path.join(dir, 'early-exit.z1.json');
  await writeFile(file, JSON.stringify({ format: 'z1-notebook', version: 1, metadata: { title: 'deer' }, cells }));
  return file;
}

describe('z1wb run with an early-exit window (real llama.cpp, oracle confidence problems)', () => {
  it('stores each threshold as a run with the spec samples, and the frontier shows the known points', async () => {
    const engine = await loadLocalEngine('oracle');
    const probeTokens = (await engine.backend.tokenize(DEER_INDUCING_TEXT)).length + 1;
    await engine.dispose();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-early-exit-'));
    const store = path.join(dir, 'store');
    const result = await cli(['run', await notebook(dir), '--store', store, '--json']);
    expect(result.code, result.stderr).toBe(0);

    const opened = await RunStore.open(store);
    try {
      const runs = opened.list();
      const samples: FrontierSample[] = [];
      const expectedPoints: Array<{ label: string; accuracy: number; tokensPerProblem: number }> = [];
      for (const threshold of THRESHOLDS) {
        const run = runs.find(
          (r) => r.settings.strategy.strategy === 'early-exit' && r.settings.strategy.threshold === threshold,
        )!;
        expect(run.status).toBe('complete');
        const records = (await opened.runFiles(run.id)).records();
        let tokens = 0;
        let correct = 0;
        for (const problem of confidenceProblems) {
          const want = expectEarlyExit(problem, { threshold });
          const record = records.find((r) => r.problemId === problem.id)!;
          const kept = want.exitedAt === null ? confidenceChain(problem).length - 1 : want.thinkingTokens + probeTokens;
          const discarded = (want.probes.length - (want.exitedAt === null ? 0 : 1)) * probeTokens;
          expect(
            [record.correct, record.totalTokens, record.discardedTokens, record.probeCount],
            `${problem.id} θ=${threshold}`,
          ).toEqual([want.correct, kept, discarded, want.probes.length]);
          tokens += kept + discarded;
          correct += want.correct ? 1 : 0;
          samples.push({ ...record, runId: run.id, runLabel: run.label, strategy: 'early-exit' });
        }
        expectedPoints.push({
          label: run.label,
          accuracy: correct / confidenceProblems.length,
          tokensPerProblem: tokens / confidenceProblems.length,
        });
      }
      const full = runs.find((r) => r.settings.strategy.strategy === 'unbounded')!;
      for (const record of (await opened.runFiles(full.id)).records()) {
        samples.push({ ...record, runId: full.id, runLabel: full.label, strategy: 'unbounded' });
      }
      const chains = confidenceProblems.map((p) => confidenceChain(p).length - 1);
      expectedPoints.push({
        label: full.label,
        accuracy: 1,
        tokensPerProblem: chains.reduce((a, b) => a + b, 0) / chains.length,
      });
      const points = frontierPoints(samples);
      expect(
        points.map((p) => ({ label: p.runLabel, accuracy: p.accuracy, tokensPerProblem: p.tokensPerProblem })),
      ).toEqual(expectedPoints);
      // θ = 0.5 exits at every first probe, wrong; 0.8 and 0.95 exit e03 wrong; 0.965 waits for 81.
      expect(points.map((p) => p.accuracy)).toEqual([0, 0.75, 0.75, 1, 1]);
    } finally {
      await opened.close();
    }
  });
});
