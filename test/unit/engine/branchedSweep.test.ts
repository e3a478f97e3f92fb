import { describe, expect, it } from 'vitest';
import { planSweeps } from '../../../main/engine/sweep/planSweeps';
import { chainModel, FakeBackend, randomModel } from './fakeBackend';
import { comparable, runOne, runSweep, strategy } from './engineTestKit';

const windows = [4, 16, 8, 32, 64, 0];

describe('branched sweep (fake backend)', () => {
  for (const [name, sampling] of [
    ['greedy', { temperature: 0 }],
    ['seeded', { temperature: 1, seed: 5 }],
  ] as const) {
    it(`equals independent runs at every window, token for token (${name})`, async () => {
      for (const sampleSeed of [1, 2, 3, 4, 5, 6]) {
        const settings = windows.map((window) => strategy({ strategy: 'shifted-window', window, answerBudget: 6 }));
        const backend = new FakeBackend(randomModel({ stopEvery: 30 }));
        const swept = await runSweep(backend, settings, { sampling, sampleSeed });
        for (const [i, s] of settings.entries()) {
          const alone = await runOne(backend, s, { sampling, sampleSeed });
          expect(comparable(swept[i]!)).toEqual(comparable(alone));
        }
      }
    });
  }

  it('generates each thinking token once', async () => {
    const backend = new FakeBackend(chainModel(1000));
    const settings = [64, 128, 256].map((window) => strategy({ strategy: 'shifted-window', window, answerBudget: 4 }));
    await runSweep(backend, settings);
    // 256 thinking tokens, a look-ahead at each window, and each branch's answer ("X" + end).
    expect(backend.draws).toBe(256 + 3 + 3 * 2);
  });

  it('gives every window at or beyond a thinking that ended by itself the uncut result', async () => {
    const backend = new FakeBackend(chainModel(10));
    const results = await runSweep(
      backend,
      [4, 10, 12, 40].map((window) => strategy({ strategy: 'shifted-window', window })),
    );
    expect(results.map((r) => [r.cut, r.phase1Tokens])).toEqual([
      [true, 4],
      [false, 10],
      [false, 10],
      [false, 10],
    ]);
    expect(results.map((r) => r.strategy)).toEqual(
      [4, 10, 12, 40].map((window) => strategy({ strategy: 'shifted-window', window })),
    );
  });

  it('equals independent runs for windows at or beyond the overall budget (fake backend)', async () => {
    const backend = new FakeBackend(chainModel(100));
    const settings = [8, 30, 40, 60].map((window) => strategy({ strategy: 'shifted-window', window, maxTokens: 40 }));
    const swept = await runSweep(backend, settings);
    for (const [i, s] of settings.entries())
      expect(comparable(swept[i]!)).toEqual(comparable(await runOne(backend, s)));
    expect(swept.map((r) => [r.cut, r.hintOffset === null, r.phase1Tokens])).toEqual([
      [true, false, 8],
      [true, false, 30],
      [true, true, 40],
      [true, true, 40],
    ]);
  });

  it('sweeps hard cuts as prefixes of one generation', async () => {
    const backend = new FakeBackend(chainModel(100));
    const results = await runSweep(
      backend,
      [3, 9].map((window) => strategy({ strategy: 'hard-cut', window })),
    );
    expect(results.map((r) => r.text)).toEqual(['abc', 'abcdefghi']);
  });

  it('refuses settings that differ in more than the window', async () => {
    const backend = new FakeBackend(chainModel(10));
    await expect(
      runSweep(backend, [
        strategy({ strategy: 'shifted-window', window: 4 }),
        strategy({ strategy: 'shifted-window', window: 8, answerBudget: 3 }),
      ]),
    ).rejects.toThrow(/differ only in "window"/);
  });
});

describe('planSweeps', () => {
  it('groups window strategies that differ only in W and keeps the rest single', () => {
    const plan = planSweeps([
      strategy({ strategy: 'shifted-window', window: 8 }),
      strategy({ strategy: 'unbounded' }),
      strategy({ strategy: 'shifted-window', window: 16 }),
      strategy({ strategy: 'hard-cut', window: 8 }),
      strategy({ strategy: 'shifted-window', window: 4, answerBudget: 7 }),
    ]);
    expect(plan.map((step) => (step.kind === 'sweep' ? ['sweep', step.indices] : ['single', step.index]))).toEqual([
      ['sweep', [0, 2]],
      ['single', 1],
      ['single', 3],
      ['single', 4],
    ]);
  });
});
