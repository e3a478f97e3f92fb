import { describe, expect, it } from 'vitest';
import {
  histogram,
  histogramBinWidth,
  mcnemarTest,
  median,
  pairedBootstrap,
  tokenStats,
  wilsonInterval,
} from '../../../main/store/statistics';

describe('statistics', () => {
  it('gives the Wilson 95% interval (checked against published values)', () => {
    // 8 of 10: Wilson 95% interval 0.4902–0.9433 (Newcombe 1998, table I style check).
    const w = wilsonInterval(8, 10);
    expect(w.value).toBe(0.8);
    expect(w.low).toBeCloseTo(0.4902, 4);
    expect(w.high).toBeCloseTo(0.9433, 4);
    const zero = wilsonInterval(0, 20);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.1611, 4);
    expect(wilsonInterval(0, 0)).toEqual({ value: 0, low: 0, high: 1, successes: 0, trials: 0 });
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });

  it('bins thinking tokens with a 1-2-5 width chosen from the largest value', () => {
    expect(histogramBinWidth(39)).toBe(1);
    expect(histogramBinWidth(40)).toBe(2);
    expect(histogramBinWidth(16384)).toBe(500);
    expect(histogram([0, 1, 1, 39])).toEqual({
      binWidth: 1,
      bins: Array.from({ length: 40 }, (_, k) => ({
        start: k,
        end: k + 1,
        count: k === 0 ? 1 : k === 1 ? 2 : k === 39 ? 1 : 0,
      })),
    });
    const wide = histogram([0, 95, 96, 100]);
    expect(wide.binWidth).toBe(5);
    expect(wide.bins.at(-1)).toEqual({ start: 100, end: 105, count: 1 });
    expect(wide.bins[19]).toEqual({ start: 95, end: 100, count: 2 });
    expect(tokenStats([2, 4, 9])).toMatchObject({ count: 3, mean: 5, median: 4, min: 2, max: 9 });
  });

  it("computes McNemar's test exactly for few discordant pairs and by χ² for many", () => {
    const exact = mcnemarTest(1, 6);
    expect(exact.exact).toBe(true);
    expect(exact.pValue).toBeCloseTo(0.125, 6); // 2·P(X ≤ 1 | n=7, p=½) = 2·8/128
    expect(mcnemarTest(0, 0).pValue).toBe(1);
    const approx = mcnemarTest(40, 20);
    expect(approx.exact).toBe(false);
    expect(approx.statistic).toBeCloseTo(19 ** 2 / 60, 10);
    expect(approx.pValue).toBeCloseTo(0.01414, 4);
  });

  it('gives a reproducible paired bootstrap interval that contains the observed difference', () => {
    const differences = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? 1 : i % 10 === 0 ? -1 : 0));
    const counts = differences.map(() => 1);
    const a = pairedBootstrap(differences, counts, { seed: 7 });
    const b = pairedBootstrap(differences, counts, { seed: 7 });
    expect(a).toEqual(b);
    expect(a.low).toBeLessThan(a.value);
    expect(a.high).toBeGreaterThan(a.value);
    expect(a.value).toBeCloseTo((50 - 10) / 200, 10);
  });
});
