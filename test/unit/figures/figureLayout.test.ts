import { describe, expect, it } from 'vitest';
import { paperFigure } from '../../../renderer/src/export/paperLayout';
import { DEFAULT_EXPORT_SETTINGS, PAPER_PRESETS, presetById } from '../../../renderer/src/export/paperPresets';
import { legendRows, placeFigure } from '../../../renderer/src/figures/figureLayout';
import { scalingCurve } from '../../../renderer/src/figures/scalingCurve';
import { thinkingHistogram } from '../../../renderer/src/figures/thinkingHistogram';
import { sweepSamples } from './figureFixtures';

describe('placeFigure', () => {
  it('wraps the legend into rows at the plot width', () => {
    expect(legendRows([], 200, 7)).toBe(0);
    expect(legendRows(['a', 'b'], 400, 7)).toBe(1);
    expect(legendRows(['shifted-window', 'budget-forcing', 'hard-cut', 'unbounded, no window'], 180, 7)).toBe(4);
  });

  it('puts the legend above the plot, above the W labels, and the title above both', () => {
    const spec = thinkingHistogram(sweepSamples(), {
      groupBy: 'window',
      mode: 'steps',
      logX: false,
      windows: [128, 256],
    });
    const placed = placeFigure(spec, { width: 500, height: 300, fontSize: 8, title: 'Thinking' });
    const layout = placed.layout as unknown as {
      legend: { orientation: string; yanchor: string; y: number };
      title: unknown;
      annotations: Array<{ text: string }>;
      margin: { t: number };
    };
    expect(layout.legend.orientation).toBe('h');
    expect(layout.legend.yanchor).toBe('bottom');
    expect(layout.legend.y).toBeGreaterThan(1);
    expect(layout.title).toMatchObject({ text: 'Thinking', yref: 'container', y: 1, yanchor: 'top' });
    expect(layout.annotations.map((a) => a.text)).toEqual(['W=128', 'W=256']);
    // Title (1.9 lines) + legend rows + W labels, all in the top margin.
    expect(layout.margin.t).toBeGreaterThan(8 * 1.9 + 24);
  });

  it('grows a figure rather than squeeze stacked panels below 3.5 lines each', () => {
    const spec = thinkingHistogram(sweepSamples(), { groupBy: 'window', mode: 'facets', logX: false });
    const placed = placeFigure(spec, { width: 237.6, height: 172.8, fontSize: 8 });
    const layout = placed.layout as { margin: { t: number; b: number } };
    expect(placed.height).toBeGreaterThan(172.8);
    expect(placed.height - layout.margin.t - layout.margin.b).toBeGreaterThanOrEqual(6 * 8 * 3.5 + 5 * 8 * 0.8);
  });
});

describe('paper presets', () => {
  it('sizes venue presets at the widths of the venues\u2019 style files', () => {
    const widthPt = (id: string) => Math.round(presetById(id).widthIn * 72 * 100) / 100;
    expect(widthPt('single-column')).toBe(237.6);
    expect(widthPt('neurips-iclr-text')).toBe(396);
    expect(widthPt('icml-column')).toBe(234);
    expect(widthPt('icml-text')).toBe(486);
    expect(widthPt('acl-column')).toBe(218.27);
    expect(widthPt('acl-text')).toBe(453.54);
    expect(widthPt('ieee-column')).toBe(251.06);
    expect(widthPt('ieee-text')).toBe(514.07);
    expect(new Set(PAPER_PRESETS.map((p) => p.id)).size).toBe(PAPER_PRESETS.length);
  });

  it('lays an export out in points with the embedded font named first, and the title only when asked', () => {
    const spec = scalingCurve(
      sweepSamples().filter((s) => s.strategy === 'shifted-window'),
      { seriesBy: 'strategy' },
    );
    const plain = paperFigure(spec, DEFAULT_EXPORT_SETTINGS, { title: 'MATH500' });
    expect([plain.widthPt, plain.heightPt]).toEqual([237.6, 172.8]);
    expect((plain.spec.layout as { font: { family: string } }).font.family).toBe('Arimo, Helvetica, Arial, sans-serif');
    expect((plain.spec.layout as { title?: unknown }).title).toBeUndefined();
    const titled = paperFigure(spec, { ...DEFAULT_EXPORT_SETTINGS, includeTitle: true }, { title: 'MATH500' });
    expect((titled.spec.layout as { title: { text: string } }).title.text).toBe('MATH500');
  });
});
