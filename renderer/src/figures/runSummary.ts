import { groupSamples, type FigureSample, type GroupBy } from './figureData';
import { mean, median, wilsonInterval } from './stats';

/** One point of a scaling curve / one row of the comparison table. */
export interface SummaryRow {
  series: string;
  window: number | null;
  n: number;
  correct: number;
  accuracy: number;
  /** 95% Wilson interval of the accuracy. */
  low: number;
  high: number;
  meanThinking: number;
  medianThinking: number;
  /** Fraction of samples whose thinking the window cut. */
  cutRate: number;
}

/** The key a curve's series is named by: everything the caller groups by except the window. */
export function seriesKey(sample: FigureSample, by: Exclude<GroupBy, 'window'>): string {
  return by === 'strategy' ? sample.strategy : by === 'model' ? sample.model : sample.runLabel;
}

/**
 * Accuracy and thinking length per series and window, in series order and ascending W
 * (unbounded, W = null, last). Accuracy is over samples (pass@1 when samples = 1).
 */
export function summarize(samples: readonly FigureSample[], by: Exclude<GroupBy, 'window'>): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const [series, group] of groupSamples(samples, (s) => seriesKey(s, by))) {
    const byWindow = groupSamples(group, (s) => String(s.window));
    const windows = [...byWindow.keys()].sort((a, b) => order(a) - order(b));
    for (const key of windows) {
      const items = byWindow.get(key)!;
      const correct = items.filter((s) => s.correct).length;
      const thinking = items.map((s) => s.thinkingTokens);
      const { low, high } = wilsonInterval(correct, items.length);
      rows.push({
        series,
        window: key === 'null' ? null : Number(key),
        n: items.length,
        correct,
        accuracy: correct / items.length,
        low,
        high,
        meanThinking: mean(thinking),
        medianThinking: median(thinking),
        cutRate: items.filter((s) => s.cut).length / items.length,
      });
    }
  }
  return rows;
}

function order(windowKey: string): number {
  return windowKey === 'null' ? Infinity : Number(windowKey);
}
