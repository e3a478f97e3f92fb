import { describe, expect, it } from 'vitest';
import type { FigureSample } from '../../../renderer/src/figures/figureData';
import { thinkingHistogram } from '../../../renderer/src/figures/thinkingHistogram';

/** Two runs: W=16 with thinking 8 and eleven at 16, W=48 with 8, 16, 24 … 48 and six at 48. */
function samples(): FigureSample[] {
  const out: FigureSample[] = [];
  for (const w of [16, 48]) {
    for (let k = 1; k <= 12; k++) {
      out.push({
        runId: `w${w}`,
        runLabel: `W=${w}`,
        strategy: 'shifted-window',
        window: w,
        model: 'm',
        problemId: `q${k}`,
        sampleKey: `q${k}#0`,
        thinkingTokens: Math.min(8 * k, w),
        correct: 8 * k <= w,
        cut: 8 * k > w,
      });
    }
  }
  return out;
}
const frame = { plotWidth: 200, plotHeight: 150, fontSize: 8 };

describe('thinkingHistogram', () => {
  it('draws small multiples by default: one bar trace per group on its own axes, no legend', () => {
    const figure = thinkingHistogram(samples(), { groupBy: 'window', mode: 'facets', logX: false, binWidth: 8 });
    expect(figure.data.map((t) => [t.type, (t as { xaxis: string }).xaxis, (t as { yaxis: string }).yaxis])).toEqual([
      ['bar', 'x', 'y'],
      ['bar', 'x2', 'y2'],
    ]);
    expect(figure.layout.showlegend).toBe(false);
    const w16 = figure.data[0] as { x: number[]; y: number[] };
    expect(Object.fromEntries(w16.x.map((x, i) => [x, w16.y[i]]).filter(([, y]) => y! > 0))).toEqual({ 12: 1, 20: 11 });
    // Grouped by window, each panel marks only its own W.
    expect(figure.layout.shapes!.map((s) => [s.x0, s.xref, s.yref])).toEqual([
      [16, 'x', 'y domain'],
      [48, 'x2', 'y2 domain'],
    ]);
  });

  it('labels each panel at its right and gives both the same whole-number y ticks', () => {
    const figure = thinkingHistogram(samples(), { groupBy: 'window', mode: 'facets', logX: false, binWidth: 8 });
    const patch = figure.finish!(frame) as Record<
      string,
      { tickvals?: number[]; range?: number[]; domain?: number[] }
    > & {
      annotations: Array<{ text: string; yref: string }>;
      margin: { t: number; r: number };
    };
    expect(patch.annotations.map((a) => [a.text, a.yref])).toEqual([
      ['W=16', 'y domain'],
      ['W=48', 'y2 domain'],
    ]);
    expect(patch.yaxis!.tickvals).toEqual([0, 5, 10, 15]);
    expect(patch.yaxis2!.tickvals).toEqual([0, 5, 10, 15]);
    expect(patch.yaxis!.range).toEqual([0, 15]);
    // The top panel's domain ends at the top; a gap of 0.8 × 8 px separates the panels.
    expect(patch.yaxis!.domain![1]).toBe(1);
    expect((patch.yaxis!.domain![0]! - patch.yaxis2!.domain![1]!) * 150).toBeCloseTo(6.4, 9);
    expect(patch.margin.t).toBe(0);
    expect(patch.margin.r).toBeGreaterThan(0);
  });

  it('overlays outlined steps closed to zero, with a dash per group and W labels above the plot', () => {
    const figure = thinkingHistogram(samples(), {
      groupBy: 'window',
      mode: 'steps',
      logX: false,
      binWidth: 8,
      windows: [16, 48],
    });
    const [w16, w48] = figure.data as Array<{ type: string; x: number[]; y: number[]; line: { dash: string } }>;
    expect(w16!.type).toBe('scatter');
    expect(w16!.x.slice(0, 6)).toEqual([8, 8, 16, 16, 24, 24]);
    expect(w16!.y.slice(0, 6)).toEqual([0, 1, 1, 11, 11, 0]);
    expect(w16!.y.at(-1)).toBe(0);
    expect([w16!.line.dash, w48!.line.dash]).toEqual(['solid', 'dash']);
    expect(figure.layout.showlegend).toBe(true);
    const patch = figure.finish!(frame) as {
      annotations: Array<{ text: string; yanchor: string }>;
      margin: { t: number };
    };
    expect(patch.annotations.map((a) => [a.text, a.yanchor])).toEqual([
      ['W=16', 'bottom'],
      ['W=48', 'bottom'],
    ]);
    expect(patch.margin.t).toBeGreaterThan(0);
  });

  it('compares runs of different sizes by share or CDF', () => {
    const all = samples();
    const uneven = [...all.filter((s) => s.window === 16).slice(0, 6), ...all.filter((s) => s.window === 48)];
    const share = thinkingHistogram(uneven, {
      groupBy: 'window',
      mode: 'steps',
      scale: 'share',
      logX: false,
      binWidth: 8,
    });
    expect((share.data[0] as { y: number[] }).y.slice(0, 4)).toEqual([0, 1 / 6, 1 / 6, 5 / 6]);
    const cdf = thinkingHistogram(uneven, { groupBy: 'window', mode: 'facets', scale: 'cdf', logX: false });
    // The CDF overlays even when facets were asked for, and ends at 1 for every group.
    expect(cdf.data.map((t) => (t as { xaxis: string }).xaxis)).toEqual(['x', 'x']);
    expect((cdf.data[0] as { x: number[]; y: number[] }).x).toEqual([8, 8, 16]);
    expect((cdf.data[0] as { x: number[]; y: number[] }).y).toEqual([0, 1 / 6, 1]);
    expect(cdf.table.columns).toEqual(['group', 'bin_start', 'bin_end', 'count', 'share']);
  });
});
