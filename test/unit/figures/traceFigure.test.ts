import { describe, expect, it } from 'vitest';
import { meanTraceFigure, meanTraceOf } from '../../../renderer/src/figures/meanTrace';
import { phaseStretches, traceFigure, type SampleTrace } from '../../../renderer/src/figures/traceFigure';
import { knownTrace } from './traceFixtures';

type Trace = { name: string; x: Array<number | null>; y: Array<number | null>; showlegend?: boolean; yaxis?: string };

describe('trace view of one sample', () => {
  it('merges adjacent spans of one phase into one shaded stretch', () => {
    expect(phaseStretches(knownTrace().spans)).toEqual([
      { phase: 'thinking', start: 0, end: 6 },
      { phase: 'wait', start: 6, end: 8 },
      { phase: 'thinking', start: 8, end: 12 },
      { phase: 'hint', start: 12, end: 15 },
      { phase: 'answer', start: 15, end: 18 },
    ]);
  });

  it('shades each stretch in both panels, marks the cut and the "Wait" across both, and puts the probes on the confidence line', () => {
    const figure = traceFigure(knownTrace());
    const shapes = figure.layout.shapes as Array<{ x0: number; x1: number; yref: string }>;
    expect(shapes.map((s) => [s.x0, s.x1, s.yref])).toEqual([
      [-0.5, 5.5, 'y domain'],
      [-0.5, 5.5, 'y2 domain'],
      [5.5, 7.5, 'y domain'],
      [5.5, 7.5, 'y2 domain'],
      [7.5, 11.5, 'y domain'],
      [7.5, 11.5, 'y2 domain'],
      [11.5, 14.5, 'y domain'],
      [11.5, 14.5, 'y2 domain'],
      [14.5, 17.5, 'y domain'],
      [14.5, 17.5, 'y2 domain'],
    ]);
    const traces = figure.data as Trace[];
    expect(traces.filter((t) => t.showlegend !== false).map((t) => t.name)).toEqual([
      'thinking',
      'wait',
      'hint',
      'answer',
      'window cut',
      '"Wait" inserted',
      'probe (discarded)',
      'probe that exited',
    ]);
    const byName = (name: string) => traces.filter((t) => t.name === name);
    // A line from 0 to 5% above the largest value in each panel.
    expect(byName('window cut').map((t) => [t.x, t.y])).toEqual([
      [
        [11.5, 11.5, null],
        [0, 2.7 * 1.05, null],
      ],
      [
        [11.5, 11.5, null],
        [0, 2 * 1.05, null],
      ],
    ]);
    expect(byName('"Wait" inserted').map((t) => t.x)).toEqual([
      [5.5, 5.5, null],
      [5.5, 5.5, null],
    ]);
    // Drawn at the last token before the branch: 3 and 9.
    expect(byName('probe (discarded)').map((t) => [t.x, t.y])).toEqual([[[3], [1.3]]]);
    expect(byName('probe that exited').map((t) => [t.x, t.y])).toEqual([[[9], [1.9]]]);
    // Inserted tokens have no value: the confidence line breaks there.
    expect(byName('confidence')[0]!.y.slice(5, 9)).toEqual([1.5, null, null, 1.8]);
    expect(figure.table.rows[6]).toEqual([6, 'wait', null, null]);
  });

  it('draws no cut, "Wait" or probe marks for a sample that has none, and says why when there are no signals', () => {
    const plain: SampleTrace = {
      ...knownTrace(),
      cutIndex: null,
      probes: [],
      spans: [{ phase: 'thinking', inserted: false, start: 0, end: 18 }],
    };
    expect((traceFigure(plain).data as Trace[]).map((t) => t.name)).toEqual(['thinking', 'confidence', 'entropy']);
    const none: SampleTrace = { confidence: [], entropy: [], spans: [], cutIndex: null, probes: [] };
    expect(traceFigure(none).empty).toBe('This sample has no per-token signals.');
  });
});

describe('mean trace of correct and wrong samples', () => {
  it('averages each sample over equal shares of its generated tokens, then the samples per share', () => {
    // [1, 2 | 3, 4] and [10] (one generated token: the first half only).
    expect(
      meanTraceOf(
        [
          [1, 2, 3, 4],
          [null, 10, null],
        ],
        2,
      ),
    ).toEqual([(1.5 + 10) / 2, 3.5]);
    expect(meanTraceOf([], 2)).toEqual([null, null]);
  });

  it('draws one line per group in each panel, named with its count', () => {
    const figure = meanTraceFigure(
      [
        { correct: true, trace: { confidence: [4, 4, 2, 2], entropy: [1, 1, 1, 1] } },
        { correct: true, trace: { confidence: [6, 2], entropy: [0, 2] } },
        { correct: false, trace: { confidence: [1, null, 1, 3, 3], entropy: [2, 2, 2, 2] } },
      ],
      { bins: 2 },
    );
    const traces = figure.data as Trace[];
    expect(traces.map((t) => [t.name, t.yaxis, t.x, t.y])).toEqual([
      ['correct (n=2)', 'y', [0.25, 0.75], [5, 2]],
      ['correct (n=2)', 'y2', [0.25, 0.75], [0.5, 1.5]],
      ['wrong (n=1)', 'y', [0.25, 0.75], [1, 3]],
      ['wrong (n=1)', 'y2', [0.25, 0.75], [2, 2]],
    ]);
    expect(figure.table.rows).toEqual([
      [0.25, 5, 1, 0.5, 2],
      [0.75, 2, 3, 1.5, 2],
    ]);
  });
});
