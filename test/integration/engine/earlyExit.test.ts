/**
 * Early exit (DEER) on the oracle model's confidence problems through real llama.cpp: exact exit
 * points, answers, probes and token accounting for several thresholds, a threshold sweep against
 * independent runs, and the window as the hard maximum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleResult } from '../../../common/api/contract/generation';
import { DEER_INDUCING_TEXT } from '../../../common/settings/strategy';
import { confidenceProblems, expectEarlyExit, type EarlyExitCase } from '../../../main/fixtures/confidenceSpec';
import { oracleProblems } from '../../../main/fixtures/oracleSpec';
import type { BackendSequence, GenerateRequest } from '../../../main/engine/backend/GenerationBackend';
import type { LocalBackend } from '../../../main/engine/local/LocalBackend';
import { comparable, generationRequest, loadLocalEngine, runBatch, type LocalEngine } from './localEngine';

let oracle: LocalEngine;
let stochastic: LocalEngine;
let inducingTokens: number;

beforeAll(async () => {
  [oracle, stochastic] = await Promise.all([loadLocalEngine('oracle'), loadLocalEngine('stochastic')]);
  inducingTokens = (await oracle.backend.tokenize(DEER_INDUCING_TEXT)).length;
});

afterAll(async () => {
  await oracle?.dispose();
  await stochastic?.dispose();
});

const items = confidenceProblems.map((p) => ({ key: p.id, problemId: p.id, sampleIndex: 0, message: p.problem }));
const prompt = { template: '{{problem}}', thinkPrefix: '<think>\n' };

async function run(strategies: Record<string, unknown>[], signals?: Record<string, unknown>) {
  return runBatch(oracle.backend, generationRequest({ prompt, items, strategies, ...(signals ? { signals } : {}) }));
}

/** Checks one result against the spec: text, exit point, probes, and how the tokens are counted. */
function expectEarlyExitResult(result: SampleResult, expected: ReturnType<typeof expectEarlyExit>): void {
  expect(result.text).toBe(expected.text);
  expect(result.delimitedThinkingTokens).toBe(expected.thinkingTokens);
  expect(result.phase1Tokens).toBe(expected.phase1Tokens);
  const probes = result.probes ?? [];
  expect(probes.map((p) => [p.atThinkingToken, p.exited])).toEqual(
    expected.probes.map((p) => [p.atThinkingToken, p.exited]),
  );
  probes.forEach((probe, i) => expect(probe.score).toBeCloseTo(expected.probes[i]!.score, 4));
  // A probe costs the inducing text and a one-token trial answer; only the exiting one is kept.
  for (const probe of probes) expect(probe.tokens).toBe(inducingTokens + 1);
  const kept = expected.exitedAt === null ? 0 : 1;
  expect(result.discardedTokens).toBe((probes.length - kept) * (inducingTokens + 1));
  expect(result.cut).toBe(expected.cut);
  if (expected.exitedAt !== null) {
    expect(result).toMatchObject({ cutAt: expected.thinkingTokens, answerTokens: 1, stopReason: 'stop-string' });
    expect(result.totalTokens).toBe(expected.thinkingTokens + inducingTokens + 1);
  }
}

describe('early exit on real llama.cpp (oracle confidence problems, greedy)', () => {
  const thresholds = [0.5, 0.8, 0.9, 0.95, 0.965, 0.995];

  it('exits at the designed probe with the designed answer, for each threshold', async () => {
    for (const threshold of thresholds) {
      const results = await run([{ strategy: 'early-exit', threshold }]);
      for (const problem of confidenceProblems) {
        const result = results.get(problem.id)![0]!;
        expectEarlyExitResult(result, expectEarlyExit(problem, { threshold }));
      }
    }
  });

  it('states the exits exactly: θ = 0.95 exits e02 at its third probe and e03 wrong at its first', async () => {
    const results = await run([{ strategy: 'early-exit', threshold: 0.95 }]);
    const e02 = results.get('e02')![0]!;
    expect(e02.probes!.map((p) => p.exited)).toEqual([false, false, true]);
    expect(e02.probes!.map((p) => p.atThinkingToken)).toEqual([3, 10, 16]);
    expect(e02.text.endsWith('\n**Final Answer**\n\\boxed{25}')).toBe(true);
    const e03 = results.get('e03')![0]!;
    expect(e03.probes!.map((p) => [p.atThinkingToken, p.exited])).toEqual([[5, true]]);
    expect(e03.text).toBe(' r1 r2 r3 r4 r5\n**Final Answer**\n\\boxed{0}');
    const e04 = results.get('e04')![0]!;
    expect(e04).toMatchObject({ cut: false, stopReason: 'end-of-generation', delimitedThinkingTokens: 21 });
    expect(e04.text.endsWith('</think>\n\n\\boxed{64}')).toBe(true);
  });

  it('a threshold sweep equals the independent runs, token for token', async () => {
    const strategies = thresholds.map((threshold) => ({ strategy: 'early-exit', threshold }));
    const swept = await run(strategies);
    for (const [t, strategy] of strategies.entries()) {
      const alone = await run([strategy]);
      for (const item of items) {
        expect(comparable(swept.get(item.key)![t]!), `${item.key} θ=${thresholds[t]}`).toEqual(
          comparable(alone.get(item.key)![0]!),
        );
      }
    }
  });

  it('a sweep over thresholds and windows equals the independent runs and the spec', async () => {
    // Windows before the first exits, between probes, just after e01's </think>, and past every chain.
    const grid = [0.5, 0.8, 0.95, 0.965].flatMap((threshold) =>
      [8, 12, 19, 64].map((window) => ({ threshold, window })),
    );
    const strategies = grid.map((cell) => ({ strategy: 'early-exit', ...cell }));
    const counted = countingGenerated(oracle.backend);
    const swept = await runBatch(counted.backend, generationRequest({ prompt, items, strategies }));
    const sweptTokens = counted.tokens();
    for (const [i, strategy] of strategies.entries()) {
      const alone = await runBatch(counted.backend, generationRequest({ prompt, items, strategies: [strategy] }));
      for (const problem of confidenceProblems) {
        const result = swept.get(problem.id)![i]!;
        expect(comparable(result), `${problem.id} ${JSON.stringify(grid[i])}`).toEqual(
          comparable(alone.get(problem.id)![0]!),
        );
        expectEarlyExitResult(result, expectEarlyExit(problem, grid[i]!));
      }
    }
    // Shared: the sweep generated each thinking token and each probe once (16 runs: 5× fewer tokens).
    expect(counted.tokens() - sweptTokens).toBeGreaterThan(5 * sweptTokens);
  });

  const variants: Array<{ name: string; settings: Omit<EarlyExitCase, 'threshold'> }> = [
    { name: 'only "Wait" as a transition', settings: { transitions: ['Wait'] } },
    { name: 'at most one probe', settings: { maxProbes: 1 } },
    { name: 'a window that cuts before the exit', settings: { window: 8 } },
    { name: 'a window between the probes', settings: { window: 12 } },
  ];
  for (const { name, settings } of variants) {
    it(`follows the spec with ${name}`, async () => {
      for (const threshold of [0.8, 0.95]) {
        const results = await run([{ strategy: 'early-exit', threshold, ...settings }]);
        for (const problem of confidenceProblems) {
          const expected = expectEarlyExit(problem, { threshold, ...settings });
          expectEarlyExitResult(results.get(problem.id)![0]!, expected);
        }
      }
    });
  }

  it('scores by mean log-probability on request', async () => {
    const results = await run([{ strategy: 'early-exit', score: 'mean-logprob', threshold: Math.log(0.9) }]);
    for (const problem of confidenceProblems) {
      const expected = expectEarlyExit(problem, { threshold: 0.9 });
      const result = results.get(problem.id)![0]!;
      expect(result.text).toBe(expected.text);
      result.probes!.forEach((p, i) => expect(p.score).toBeCloseTo(Math.log(expected.probes[i]!.score), 4));
    }
  });

  it('never exiting, it writes what the shifted window writes, and the probes are all discarded', async () => {
    const window = 19;
    const results = await run([
      { strategy: 'early-exit', threshold: 1, window },
      { strategy: 'shifted-window', window },
    ]);
    for (const item of items) {
      const [early, shifted] = results.get(item.key)!;
      expect(early!.text).toBe(shifted!.text);
      expect(early!.phase1Tokens).toBe(shifted!.phase1Tokens);
      expect(early!.discardedTokens).toBe(early!.probes!.length * (inducingTokens + 1));
      expect(early!.probes!.length).toBeGreaterThan(0);
    }
  });

  it('records the kept trial answer among the signals when the run records them', async () => {
    const results = await run([{ strategy: 'early-exit', threshold: 0.9 }], { mode: 'record' });
    const e01 = results.get('e01')![0]!;
    expect(e01.signals!.logprob).toHaveLength(e01.totalTokens);
    expect(Math.exp(e01.signals!.logprob.at(-1)!)).toBeCloseTo(0.92, 4);
  });
});

describe('early exit, seeded (stochastic model at temperature 1)', () => {
  it('a sweep over thresholds and windows equals the independent runs, token for token', async () => {
    // Plain mode: the answer intro "\n\nThe final answer is " is a paragraph break, so every
    // sample takes one probe before its answer; θ = 0 exits there, θ = 1 never does.
    const seededItems = oracleProblems.flatMap((p) =>
      [0, 1, 2].map((s) => ({ key: `${p.id}#${s}`, problemId: p.id, sampleIndex: s, message: p.problem })),
    );
    const base = {
      prompt: { template: '{{problem}}', thinkPrefix: '' },
      items: seededItems,
      sampling: { temperature: 1, topK: 40, topP: 0.95, minP: 0, seed: 11 },
    };
    const thresholds = [0, 0.5, 1];
    const strategies = thresholds.flatMap((threshold) =>
      [16, 48].map((window) => ({ strategy: 'early-exit', threshold, window })),
    );
    const swept = await runBatch(stochastic.backend, generationRequest({ ...base, strategies }));
    const exits = strategies.map(() => 0);
    for (const [t, strategy] of strategies.entries()) {
      const alone = await runBatch(stochastic.backend, generationRequest({ ...base, strategies: [strategy] }));
      for (const item of seededItems) {
        const result = swept.get(item.key)![t]!;
        expect(comparable(result), `${item.key} ${JSON.stringify(strategy)}`).toEqual(
          comparable(alone.get(item.key)![0]!),
        );
        if (result.probes?.some((p) => p.exited)) exits[t]! += 1;
      }
    }
    // Not vacuous: θ = 0 exits every sample that reached its answer within W = 48, θ = 1 none.
    expect(exits[1]).toBeGreaterThan(20);
    expect(exits[5]).toBe(0);
  });
});

/** The backend as it is, counting the tokens its sequences generate (probes and branches included). */
function countingGenerated(backend: LocalBackend): { backend: LocalBackend; tokens(): number } {
  let tokens = 0;
  const bound = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  };
  const counting = (sequence: BackendSequence): BackendSequence =>
    new Proxy(sequence, {
      get: (target, prop) =>
        prop === 'generate'
          ? async (request: GenerateRequest) => {
              const result = await target.generate(request);
              tokens += result.tokens.length;
              return result;
            }
          : bound(target, prop),
    });
  const wrapped = new Proxy(backend, {
    get: (target, prop) =>
      prop === 'acquireSequence'
        ? async (signal?: AbortSignal) => counting(await target.acquireSequence(signal))
        : bound(target, prop),
  });
  return { backend: wrapped, tokens: () => tokens };
}
