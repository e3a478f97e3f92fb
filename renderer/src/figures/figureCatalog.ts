import { accuracyByRun } from './accuracyByRun';
import { efficiencyFigure } from './efficiencyFigure';
import type { FigureSample, FigureSpec } from './figureData';
import { frontierFigure } from './frontierFigure';
import { composePanels } from './multiPanel';
import { perProblemScatter } from './perProblemScatter';
import { scalingCurve } from './scalingCurve';
import { thinkingHistogram } from './thinkingHistogram';
import { thinkingVsWindow } from './thinkingVsWindow';

/**
 * Every figure kind the workbench draws, with its default options (and the histogram's other
 * views), built from plain samples: what the visual regression test renders at every preset and
 * what docs/figures/ shows.
 */
export const FIGURE_KINDS = [
  'thinking-histogram',
  'thinking-histogram-steps',
  'thinking-histogram-cdf',
  'thinking-histogram-by-strategy',
  'accuracy-vs-window',
  'accuracy-vs-mean-thinking',
  'per-problem-scatter',
  'thinking-vs-window',
  'accuracy-by-run',
  'efficiency-frontier',
  'two-panels',
] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];

export function buildFigure(
  kind: FigureKind,
  samples: readonly FigureSample[],
  options: { windows: number[]; countLabel?: string; dark?: boolean },
): FigureSpec {
  const countLabel = options.countLabel ?? 'phase 1';
  const histogram = (mode: 'facets' | 'steps', scale: 'count' | 'share' | 'cdf') =>
    thinkingHistogram(samples, { groupBy: 'window', mode, scale, logX: false, windows: options.windows, countLabel });
  switch (kind) {
    case 'thinking-histogram':
      return histogram('facets', 'count');
    case 'thinking-histogram-steps':
      return histogram('steps', 'share');
    case 'thinking-histogram-cdf':
      return histogram('steps', 'cdf');
    case 'thinking-histogram-by-strategy':
      // Panels that each hold several windows: every W line in every panel, labels above.
      return thinkingHistogram(samples, {
        groupBy: 'strategy',
        mode: 'facets',
        logX: true,
        windows: options.windows,
        countLabel,
      });
    case 'accuracy-vs-window':
      return scalingCurve(samples, { seriesBy: 'strategy' });
    case 'accuracy-vs-mean-thinking':
      return efficiencyFigure(samples, { seriesBy: 'strategy' });
    case 'per-problem-scatter':
      return perProblemScatter(samples, { groupBy: 'strategy', y: 'correctness', logX: false });
    case 'thinking-vs-window':
      return thinkingVsWindow(samples, { seriesBy: 'strategy' });
    case 'accuracy-by-run':
      return accuracyByRun(samples);
    case 'efficiency-frontier':
      return frontierFigure(samples);
    case 'two-panels': {
      // The paper's form: the same figure for two benchmarks side by side.
      const half = (odd: number) => samples.filter((s) => Number(/\d+/.exec(s.problemId)?.[0] ?? 0) % 2 === odd);
      return composePanels([
        { spec: scalingCurve(half(0), { seriesBy: 'strategy' }), title: 'even problems' },
        { spec: scalingCurve(half(1), { seriesBy: 'strategy' }), title: 'odd problems' },
      ]);
    }
  }
}
