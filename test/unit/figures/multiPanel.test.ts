import { describe, expect, it } from 'vitest';
import { composePanels, panelLetter } from '../../../renderer/src/figures/multiPanel';
import { scalingCurve } from '../../../renderer/src/figures/scalingCurve';
import { thinkingHistogram } from '../../../renderer/src/figures/thinkingHistogram';
import { sweepSamples } from './figureFixtures';

const frame = { plotWidth: 400, plotHeight: 150, fontSize: 8 };
const even = () => sweepSamples().filter((s) => Number(s.problemId.slice(1)) % 2 === 0);
const odd = () => sweepSamples().filter((s) => Number(s.problemId.slice(1)) % 2 === 1);

describe('composePanels', () => {
  it('gives each panel its own axes and lists each series once in the shared legend', () => {
    const figure = composePanels([
      { spec: scalingCurve(even(), { seriesBy: 'strategy' }), title: 'MATH500' },
      { spec: scalingCurve(odd(), { seriesBy: 'strategy' }), title: 'GPQA' },
    ]);
    const traces = figure.data as Array<{ name: string; xaxis: string; yaxis: string; showlegend: boolean }>;
    expect(traces.map((t) => [t.name, `${t.xaxis}/${t.yaxis}`, t.showlegend])).toEqual([
      ['shifted-window', 'x/y', true],
      ['budget-forcing', 'x/y', true],
      ['hard-cut', 'x/y', true],
      ['unbounded, no window', 'x/y', true],
      ['shifted-window', 'x2/y2', false],
      ['budget-forcing', 'x2/y2', false],
      ['hard-cut', 'x2/y2', false],
      ['unbounded, no window', 'x2/y2', false],
    ]);
    const layout = figure.layout as Record<string, { anchor?: string; title?: unknown }>;
    expect([layout.xaxis!.anchor, layout.xaxis2!.anchor, layout.yaxis2!.anchor]).toEqual(['y', 'y2', 'x2']);
    // The same x title under both panels is written once, under the whole figure.
    expect([layout.xaxis!.title, layout.xaxis2!.title]).toEqual([undefined, undefined]);
  });

  it('letters the panels above their top-left corners and splits the width between them', () => {
    const figure = composePanels([
      { spec: scalingCurve(even(), { seriesBy: 'strategy' }), title: 'MATH500' },
      { spec: scalingCurve(odd(), { seriesBy: 'strategy' }) },
    ]);
    const patch = figure.finish!(frame) as unknown as {
      annotations: Array<{ text: string; x: number }>;
      xaxis: { domain: number[] };
      xaxis2: { domain: number[] };
    };
    expect(patch.annotations.map((a) => a.text)).toEqual(['(a) MATH500', '(b)', 'thinking window W (tokens)']);
    expect(patch.annotations[0]!.x).toBe(0);
    expect(patch.annotations[1]!.x).toBe(patch.xaxis2.domain[0]);
    expect(patch.xaxis.domain[0]).toBe(0);
    expect(patch.xaxis2.domain[1]).toBeCloseTo(1, 12);
    // Room for panel (b)'s y axis between the panels: 5.5 × the font size.
    expect((patch.xaxis2.domain[0]! - patch.xaxis.domain[1]!) * 400).toBeCloseTo(44, 9);
    expect(panelLetter(2)).toBe('(c)');
  });

  it('keeps small-multiple panels stacked inside their column and one CSV for all panels', () => {
    const histogram = (samples: ReturnType<typeof sweepSamples>) =>
      thinkingHistogram(samples, { groupBy: 'strategy', mode: 'facets', logX: false });
    const figure = composePanels([{ spec: histogram(even()) }, { spec: histogram(odd()) }]);
    expect(figure.data.map((t) => (t as { yaxis: string }).yaxis)).toEqual([
      'y',
      'y2',
      'y3',
      'y4',
      'y5',
      'y6',
      'y7',
      'y8',
    ]);
    expect(figure.minPlotHeight!(8)).toBe(4 * 8 * 3.5 + 3 * 8 * 0.8);
    expect(figure.table.columns).toEqual(['panel', 'group', 'bin_start', 'bin_end', 'count', 'share']);
    expect(new Set(figure.table.rows.map((r) => r[0]))).toEqual(new Set(['(a)', '(b)']));
  });

  it('says which panel cannot be drawn', () => {
    const unbounded = sweepSamples().filter((s) => s.window === null);
    const figure = composePanels([
      { spec: scalingCurve(even(), { seriesBy: 'strategy' }) },
      { spec: scalingCurve(unbounded, { seriesBy: 'strategy' }) },
    ]);
    expect(figure.empty).toMatch(/^Panel \(b\): These runs have no thinking window/);
  });
});
