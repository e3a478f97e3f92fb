import { describe, expect, it } from 'vitest';
import { efficiencyFigure } from '../../../renderer/src/figures/efficiencyFigure';
import { jittered, perProblemScatter } from '../../../renderer/src/figures/perProblemScatter';
import { NO_WINDOW_NOTE, scalingCurve } from '../../../renderer/src/figures/scalingCurve';
import { thinkingVsWindow } from '../../../renderer/src/figures/thinkingVsWindow';
import { SWEEP_WINDOWS, sweepSamples } from './figureFixtures';

type Line = { name: string; x: number[]; y: number[]; marker?: { symbol: string }; line: { dash: string } };

describe('scaling curve', () => {
  it('draws each strategy with its own marker and dash, so coinciding lines stay two', () => {
    const figure = scalingCurve(sweepSamples(), { seriesBy: 'strategy' });
    const lines = figure.data as Line[];
    expect(lines.map((l) => [l.name, l.marker?.symbol, l.line.dash])).toEqual([
      ['shifted-window', 'circle', 'solid'],
      ['budget-forcing', 'square', 'dash'],
      ['hard-cut', 'diamond', 'dot'],
      ['unbounded, no window', undefined, 'dot'],
    ]);
    // Budget forcing gives the shifted window's results: same points, told apart by style.
    expect(lines[1]!.y).toEqual(lines[0]!.y);
    // Problem k thinks round(60·1.25^k) tokens: 4, 7, 10, 13 and 16 of 24 fit in W = 128 … 2048.
    expect(lines[0]!.y).toEqual([4 / 24, 7 / 24, 10 / 24, 13 / 24, 16 / 24]);
    expect(lines[3]!.y).toEqual([1, 1]);
  });

  it('puts doubling windows on a log2 axis by default, and a linear one when asked', () => {
    const log = scalingCurve(sweepSamples(), { seriesBy: 'strategy' }).layout.xaxis as Record<string, unknown>;
    expect(log.type).toBe('log');
    expect(log.tickvals).toEqual(SWEEP_WINDOWS);
    const linear = scalingCurve(sweepSamples(), { seriesBy: 'strategy', logX: false }).layout.xaxis as { type: string };
    expect(linear.type).toBe('linear');
  });

  it('refuses to draw accuracy against W for runs without a window, saying why', () => {
    const unbounded = sweepSamples().filter((s) => s.window === null);
    const figure = scalingCurve(unbounded, { seriesBy: 'strategy' });
    expect(figure.empty).toBe(NO_WINDOW_NOTE);
    expect(figure.data).toEqual([]);
    // The numbers are still there for the CSV.
    expect(figure.table.rows).toEqual([['unbounded', null, 24, 24, 1, expect.any(Number), 1, expect.any(Number)]]);
    expect(thinkingVsWindow(unbounded, { seriesBy: 'strategy' }).empty).toMatch(/no thinking window/);
  });
});

describe('efficiency figure and scatter', () => {
  it('labels each W once where two series coincide', () => {
    const figure = efficiencyFigure(sweepSamples(), { seriesBy: 'strategy' });
    const [z1, s1] = figure.data as Array<{ text: string[] }>;
    expect(z1!.text).toEqual(['128', '256', '512', '1024', '2048']);
    expect(s1!.text).toEqual(['', '', '', '', '']);
  });

  it('never jitters a point above 100% or below 0%', () => {
    for (let i = 0; i < 500; i++) {
      for (const accuracy of [0, 0.5, 1]) {
        const y = jittered(accuracy, `run/p${i}`);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(1);
        expect(Math.abs(y - accuracy)).toBeLessThanOrEqual(0.05);
      }
    }
    const figure = perProblemScatter(sweepSamples(), { groupBy: 'strategy', y: 'correctness', logX: false });
    const ys = figure.data.flatMap((t) => (t as { y: number[] }).y);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ys)).toBeLessThanOrEqual(1);
  });
});
