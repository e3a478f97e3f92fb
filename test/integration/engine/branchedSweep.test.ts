/**
 * A branched sweep (each thinking token generated once, the answer branched off at every window
 * and erased from the KV cache) against independent runs at each window, on real llama.cpp.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleResult } from '../../../common/api/contract/generation';
import { oracleProblems, type OracleMode } from '../../../main/fixtures/oracleSpec';
import { comparable, generationRequest, loadLocalEngine, runBatch, type LocalEngine } from './localEngine';

let oracle: LocalEngine;
let stochastic: LocalEngine;

beforeAll(async () => {
  [oracle, stochastic] = await Promise.all([loadLocalEngine('oracle'), loadLocalEngine('stochastic')]);
});

afterAll(async () => {
  await oracle?.dispose();
  await stochastic?.dispose();
});

const promptFor = (mode: OracleMode) => ({ template: '{{problem}}', thinkPrefix: mode === 'think' ? '<think>\n' : '' });

async function sweptAndIndependent(
  engine: LocalEngine,
  input: { mode: OracleMode; windows: number[]; sampling: Record<string, unknown>; samplesPerProblem: number },
) {
  const items = oracleProblems.flatMap((p) =>
    Array.from({ length: input.samplesPerProblem }, (_, s) => ({
      key: `${p.id}#${s}`,
      problemId: p.id,
      sampleIndex: s,
      message: p.problem,
    })),
  );
  const base = { prompt: promptFor(input.mode), sampling: input.sampling, items };
  const strategies = input.windows.map((window) => ({ strategy: 'shifted-window', window, answerBudget: 16 }));
  const swept = await runBatch(engine.backend, generationRequest({ ...base, strategies }));
  const independent: Array<Map<string, SampleResult[]>> = [];
  for (const strategy of strategies)
    independent.push(await runBatch(engine.backend, generationRequest({ ...base, strategies: [strategy] })));
  return { items, swept, independent };
}

describe('branched sweep on real llama.cpp', () => {
  for (const mode of ['plain', 'think'] as const) {
    it(`equals independent runs at every window, token for token (greedy, oracle model, ${mode} mode)`, async () => {
      const windows = [0, 8, 16, 24, 32, 48, 64, 96, 128];
      const { items, swept, independent } = await sweptAndIndependent(oracle, {
        mode,
        windows,
        sampling: {},
        samplesPerProblem: 1,
      });
      for (const item of items) {
        windows.forEach((_, w) =>
          expect(comparable(swept.get(item.key)![w]!)).toEqual(comparable(independent[w]!.get(item.key)![0]!)),
        );
      }
    });
  }

  it('equals independent runs at every window, token for token (seeded, stochastic model at temperature 1)', async () => {
    const windows = [4, 8, 16, 24, 32, 48];
    const sampling = { temperature: 1, topK: 40, topP: 0.95, minP: 0, seed: 2024 };
    const { items, swept, independent } = await sweptAndIndependent(stochastic, {
      mode: 'plain',
      windows,
      sampling,
      samplesPerProblem: 3,
    });
    for (const item of items) {
      windows.forEach((_, w) =>
        expect(comparable(swept.get(item.key)![w]!)).toEqual(comparable(independent[w]!.get(item.key)![0]!)),
      );
    }
    // The comparison is not vacuous: samples of one problem differ, and windows cut some of them.
    const largest = items.map((item) => swept.get(item.key)!.at(-1)!);
    const lengths = new Set(largest.filter((r) => !r.cut).map((r) => r.phase1Tokens));
    expect(lengths.size).toBeGreaterThan(5);
    const q01 = items.filter((i) => i.problemId === 'q01').map((i) => swept.get(i.key)!.at(-1)!.text);
    expect(new Set(q01).size).toBeGreaterThan(1);
    const cuts = windows.map((_, w) => items.filter((i) => swept.get(i.key)![w]!.cut).length);
    expect(cuts[0]).toBe(items.length);
    expect(cuts.at(-1)).toBeLessThan(items.length);
  });

  it('reproduces a seeded sample from its seed, and varies it with the sample index', async () => {
    const sampling = { temperature: 1, seed: 7 };
    const items = [0, 1, 0].map((sampleIndex, i) => ({
      key: `k${i}`,
      problemId: 'q04',
      sampleIndex,
      message: oracleProblems[3]!.problem,
    }));
    const strategies = [{ strategy: 'unbounded', maxTokens: 200 }];
    const first = await runBatch(
      stochastic.backend,
      generationRequest({ prompt: promptFor('plain'), sampling, strategies, items }),
    );
    const again = await runBatch(
      stochastic.backend,
      generationRequest({ prompt: promptFor('plain'), sampling, strategies, items }),
    );
    const texts = (m: Map<string, SampleResult[]>) => ['k0', 'k1', 'k2'].map((k) => m.get(k)![0]!.text);
    expect(texts(again)).toEqual(texts(first));
    expect(texts(first)[2]).toBe(texts(first)[0]);
    expect(first.get('k0')![0]!.seed).not.toBe(first.get('k1')![0]!.seed);
  });
});
