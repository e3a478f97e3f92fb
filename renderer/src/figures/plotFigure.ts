import type { PlotCell } from '../../../common/notebook/notebookSchema';
import { accuracyByRun } from './accuracyByRun';
import type { FigureSample, FigureSpec } from './figureData';
import { frontierFigure } from './frontierFigure';
import { scalingCurve } from './scalingCurve';
import { thinkingHistogram } from './thinkingHistogram';
import { thinkingVsWindow } from './thinkingVsWindow';

export type PlotKind = PlotCell['plot']['kind'];

/** The name of each plot kind, as figures are titled when a plot cell has no title. */
export const PLOT_KIND_TITLES: Record<PlotKind, string> = {
  'accuracy-vs-window': 'Accuracy vs window',
  'thinking-histogram': 'Thinking tokens',
  'thinking-vs-window': 'Thinking tokens vs window',
  'accuracy-by-run': 'Accuracy by run',
  'efficiency-frontier': 'Efficiency frontier',
};

/**
 * A plot cell's figure with the default options of its kind: what a panel of a multi-panel
 * export shows, and what docs/figures/ is generated from.
 */
export function plotFigure(
  kind: PlotKind,
  samples: readonly FigureSample[],
  options: { windows: number[]; countLabel: string; dark?: boolean },
): FigureSpec {
  switch (kind) {
    case 'accuracy-vs-window':
      return scalingCurve(samples, { seriesBy: 'strategy', dark: options.dark });
    case 'thinking-histogram':
      return thinkingHistogram(samples, {
        groupBy: 'window',
        mode: 'facets',
        logX: false,
        windows: options.windows,
        countLabel: options.countLabel,
        dark: options.dark,
      });
    case 'thinking-vs-window':
      return thinkingVsWindow(samples, { seriesBy: 'strategy', dark: options.dark });
    case 'accuracy-by-run':
      return accuracyByRun(samples, { dark: options.dark });
    case 'efficiency-frontier':
      return frontierFigure(samples, { dark: options.dark });
  }
}
