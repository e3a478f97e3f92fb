import { describe, expect, it } from 'vitest';
import {
  formatTokens,
  growsGeometrically,
  integerTicks,
  logTicks,
  thinTicks,
  windowAxis,
} from '../../../renderer/src/figures/axisTicks';

describe('window axes', () => {
  it('calls doubling windows geometric, and short or linear lists not', () => {
    expect(growsGeometrically([512, 1024, 2048, 4096])).toBe(true);
    expect(growsGeometrically([16, 48, 100])).toBe(true);
    expect(growsGeometrically([100, 200])).toBe(false);
    expect(growsGeometrically([100, 200, 300, 400])).toBe(false);
  });

  it('puts a log2 axis tick at each window and nothing else, padded by half the smallest step', () => {
    const axis = windowAxis([2048, 512, 1024, 512], { log: true, title: 'W' }) as Record<string, unknown>;
    expect(axis.type).toBe('log');
    expect(axis.tickmode).toBe('array');
    expect(axis.tickvals).toEqual([512, 1024, 2048]);
    expect(axis.ticktext).toEqual(['512', '1k', '2k']);
    const step = Math.log10(2);
    const [lo, hi] = axis.range as number[];
    expect(lo).toBeCloseTo(Math.log10(512) - step / 2, 12);
    expect(hi).toBeCloseTo(Math.log10(2048) + step / 2, 12);
  });

  it('keeps a linear axis for windows that do not double, padded by 6% of the span', () => {
    const axis = windowAxis([100, 200, 300], { log: false, title: 'W' }) as Record<string, unknown>;
    expect(axis.type).toBe('linear');
    expect(axis.range).toEqual([88, 312]);
    expect(axis.tickvals).toEqual([100, 200, 300]);
  });

  it('prints token counts as axes do', () => {
    expect([100, 1000, 1024, 1536, 16384, 3000].map(formatTokens)).toEqual(['100', '1k', '1k', '1536', '16k', '3k']);
  });
});

describe('ticks', () => {
  it('gives log axes powers of ten (and 3× within three decades), never minor labels', () => {
    expect(logTicks(50, 5000)).toEqual({ tickvals: [100, 300, 1000, 3000], ticktext: ['100', '300', '1k', '3k'] });
    expect(logTicks(10, 100000).tickvals).toEqual([10, 100, 1000, 10000, 100000]);
    // Less than one nice tick in range: the ends themselves.
    expect(logTicks(120, 400).tickvals).toEqual([120, 400]);
  });

  it('gives counts whole-number ticks at a 1/2/5 step within the tick budget', () => {
    expect(integerTicks(3, 6)).toEqual({ tickvals: [0, 1, 2, 3], top: 3 });
    expect(integerTicks(11, 3)).toEqual({ tickvals: [0, 10, 20], top: 20 });
    expect(integerTicks(3000, 4)).toEqual({ tickvals: [0, 1000, 2000, 3000], top: 3000 });
    expect(integerTicks(0.4, 4)).toEqual({ tickvals: [0, 1], top: 1 });
  });

  it('drops tick labels that would touch their neighbour in a narrow panel', () => {
    const ticks = { tickvals: [128, 256, 512, 1024, 2048], ticktext: ['128', '256', '512', '1k', '2k'] };
    const range: [number, number] = [Math.log10(128) - 0.15, Math.log10(2048) + 0.15];
    expect(thinTicks(ticks, { range, log: true, width: 400, fontSize: 8 })).toEqual(ticks);
    expect(thinTicks(ticks, { range, log: true, width: 60, fontSize: 8 })).toEqual({
      tickvals: [128, 512, 2048],
      ticktext: ['128', '512', '2k'],
    });
  });
});
