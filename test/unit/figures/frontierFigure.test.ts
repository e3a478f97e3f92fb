import { describe, expect, it } from 'vitest';
import type { FigureSample } from '../../../renderer/src/figures/figureData';
import type { FrontierPoint } from '../../../common/figures/efficiencyFrontier';
import { FRONTIER_X_TITLE, frontierFigure, pointLabel } from '../../../renderer/src/figures/frontierFigure';
import { sweepSamples } from './figureFixtures';

type Trace = {
  name: string;
  mode: string;
  x: number[];
  y: number[];
  text?: string[];
  line?: { shape: string };
  marker: { symbol: string };
};

/** Four runs of two problems: every number below follows from the token counts given here. */
function runs(): FigureSample[] {
  const sample = (
    runId: string,
    strategy: string,
    problem: number,
    index: number,
    extra: Partial<FigureSample>,
  ): FigureSample => ({
    runId,
    runLabel: strategy === 'unbounded' ? 'unbounded' : `${strategy} ${runId}`,
    strategy,
    window: null,
    model: 'm',
    problemId: `p${problem}`,
    sampleKey: `p${problem}#${index}`,
    thinkingTokens: 0,
    correct: true,
    cut: false,
    answerKey: 'a',
    ...extra,
  });
  return [
    sample('u', 'unbounded', 1, 0, { totalTokens: 400 }),
    sample('u', 'unbounded', 2, 0, { totalTokens: 600, correct: false, answerKey: 'b' }),
    sample('W=64', 'shifted-window', 1, 0, { totalTokens: 90 }),
    sample('W=64', 'shifted-window', 2, 0, { totalTokens: 110, correct: false, answerKey: 'b' }),
    sample('t=0.9', 'early-exit', 1, 0, { totalTokens: 150, discardedTokens: 30 }),
    sample('t=0.9', 'early-exit', 2, 0, { totalTokens: 200, discardedTokens: 20 }),
    // Worse than the shifted window at more tokens: off the front.
    sample('W=128', 'shifted-window', 1, 0, { totalTokens: 150, correct: false, answerKey: 'b' }),
    sample('W=128', 'shifted-window', 2, 0, { totalTokens: 150, correct: false, answerKey: 'b' }),
  ];
}

describe('efficiency frontier figure', () => {
  it('draws a point per run in a trace per strategy and the Pareto front as a staircase, its points labelled with the rest of their run names', () => {
    const figure = frontierFigure(runs());
    const traces = figure.data as Trace[];
    expect(traces.map((t) => [t.name, t.mode, t.x, t.y, t.text])).toEqual([
      ['unbounded', 'markers+text', [500], [0.5], ['']],
      ['shifted-window', 'markers+text', [100, 150], [0.5, 0], ['W=64', '']],
      ['early-exit', 'markers+text', [200], [1], ['t=0.9']],
      ['Pareto front', 'lines+markers', [100, 200], [0.5, 1], undefined],
    ]);
    expect(traces[3]!.line!.shape).toBe('hv');
    expect(traces[3]!.marker.symbol).toBe('circle-open');
    expect((figure.layout.xaxis as { title: { text: string }; type: string }).type).toBe('log');
    expect((figure.layout.xaxis as { title: { text: string } }).title.text).toBe(FRONTIER_X_TITLE);
  });

  it('exports the points and the tokens saved against the unbounded run as its CSV', () => {
    const { table } = frontierFigure(runs());
    expect(table.columns.slice(0, 12)).toEqual([
      'run',
      'strategy',
      'samples_per_problem',
      'vote',
      'problems',
      'correct_problems',
      'accuracy',
      'tokens_per_problem',
      'on_front',
      'unbounded_reference',
      'tokens_saved_vs_unbounded',
      'share_saved_vs_unbounded',
    ]);
    expect(table.rows).toEqual([
      ['unbounded', 'unbounded', 1, 'single', 2, 1, 0.5, 500, 0, 'unbounded', 0, 0, null, null, null],
      [
        'shifted-window W=64',
        'shifted-window',
        1,
        'single',
        2,
        1,
        0.5,
        100,
        1,
        'unbounded',
        400,
        0.8,
        null,
        null,
        null,
      ],
      ['early-exit t=0.9', 'early-exit', 1, 'single', 2, 2, 1, 200, 1, null, null, null, null, null, null],
      ['shifted-window W=128', 'shifted-window', 1, 'single', 2, 0, 0, 150, 0, 'unbounded', 350, 0.7, null, null, null],
    ]);
  });

  it('labels one of two coinciding runs on the front (Z1 and s1 on the fixture sweep)', () => {
    const traces = frontierFigure(sweepSamples()).data as Trace[];
    expect(traces.map((t) => t.name)).toEqual([
      'shifted-window',
      'budget-forcing',
      'hard-cut',
      'unbounded',
      'Pareto front',
    ]);
    expect(traces[0]!.text).toEqual(['W=128', 'W=256', 'W=512', 'W=1024', 'W=2048']);
    expect(traces[1]!.text).toEqual(['', '', '', '', '']);
    expect(traces[3]!.text).toEqual(['no window']);
  });

  it('says why when there is nothing to draw', () => {
    expect(frontierFigure([]).empty).toBe('No runs to place on the frontier.');
  });
});

describe('front labels', () => {
  it('name a run by what sets it apart from its strategy, and its sample count', () => {
    const point = (runLabel: string, strategy: string, samplesPerProblem = 1) =>
      pointLabel({ runLabel, strategy, samplesPerProblem } as FrontierPoint);
    expect(point('shifted-window W=512', 'shifted-window')).toBe('W=512');
    expect(point('early-exit θ=0.9 W=64', 'early-exit')).toBe('θ=0.9 W=64');
    expect(point('unbounded (320 tokens)', 'unbounded')).toBe('unbounded');
    expect(point('unbounded (320 tokens)', 'unbounded', 8)).toBe('unbounded ×8');
    expect(point('my baseline', 'unbounded')).toBe('my baseline');
  });
});

describe('runs of several models', () => {
  it('get a series per strategy and model', () => {
    const samples = runs().map((s) => (s.runId === 'W=128' ? { ...s, model: 'other' } : s));
    expect((frontierFigure(samples).data as Trace[]).map((t) => t.name)).toEqual([
      'unbounded, m',
      'shifted-window, m',
      'early-exit, m',
      'shifted-window, other',
      'Pareto front',
    ]);
  });
});
