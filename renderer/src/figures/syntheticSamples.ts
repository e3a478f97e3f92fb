import type { FigureSample } from './figureData';

/**
 * Deterministic made-up samples shaped like a window sweep (thinking lengths spread over a few
 * hundred to a few thousand tokens, cut at W, longer thinking more often right). For the figure
 * lab and the UI benchmark; never shown as results.
 */
export function syntheticSamples(count: number, windows = [256, 512, 1024, 2048], seed = 1): FigureSample[] {
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: fast, repeatable, good enough for test data.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const runs = [
    ...windows.map((w) => ({ strategy: 'shifted-window', window: w as number | null })),
    { strategy: 'unbounded', window: null },
  ];
  const samples: FigureSample[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const run = runs[i % runs.length]!;
    const problem = Math.floor(i / runs.length);
    const natural = Math.round(Math.exp(5 + 2 * random() + random()));
    const cut = run.window !== null && natural > run.window;
    const thinking = cut ? run.window! : natural;
    const correct = random() < 0.25 + 0.6 * Math.min(1, thinking / 2000);
    samples[i] = {
      runId: run.window === null ? 'unbounded' : `w${run.window}`,
      runLabel: run.window === null ? 'unbounded' : `W=${run.window}`,
      strategy: run.strategy,
      window: run.window,
      model: 'synthetic-7b',
      problemId: `p${problem}`,
      sampleKey: `p${problem}#0`,
      thinkingTokens: thinking,
      correct,
      cut,
      difficulty: 1 + (problem % 5),
    };
  }
  return samples;
}
