import type { FigureSample } from '../../../renderer/src/figures/figureData';

/** The windows of the fixture sweep: doubling, as a paper's sweep does. */
export const SWEEP_WINDOWS = [128, 256, 512, 1024, 2048];

/**
 * A sweep of three strategies over five windows plus an unbounded baseline, 24 problems each,
 * with exactly known values: problem k (0…23) thinks round(60 · 1.25^k) tokens by itself and is
 * right when its thinking was not cut. Budget forcing gives the same results as the shifted
 * window (two lines that coincide), the hard cut is right only when thinking ended ≤ W/2.
 */
export function sweepSamples(): FigureSample[] {
  const samples: FigureSample[] = [];
  const runs: Array<{ strategy: string; window: number | null }> = [
    ...['shifted-window', 'budget-forcing', 'hard-cut'].flatMap((strategy) =>
      SWEEP_WINDOWS.map((window) => ({ strategy, window })),
    ),
    { strategy: 'unbounded', window: null },
  ];
  for (const run of runs) {
    for (let k = 0; k < 24; k++) {
      const natural = Math.round(60 * 1.25 ** k);
      const cut = run.window !== null && natural > run.window;
      const limit = run.strategy === 'hard-cut' && run.window !== null ? run.window / 2 : run.window;
      samples.push({
        runId: `${run.strategy}-${run.window ?? 'none'}`,
        runLabel: `${run.strategy} ${run.window === null ? 'no window' : `W=${run.window}`}`,
        strategy: run.strategy,
        window: run.window,
        model: 'fixture-7b',
        problemId: `p${String(k).padStart(2, '0')}`,
        sampleKey: `p${String(k).padStart(2, '0')}#0`,
        thinkingTokens: cut ? run.window! : natural,
        correct: limit === null || natural <= limit,
        cut,
        difficulty: 1 + (k % 5),
      });
    }
  }
  return samples;
}
