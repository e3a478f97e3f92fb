export { wilsonBounds as wilsonInterval } from '../../../common/math/wilsonInterval';

export { mean, median } from '../../../common/math/average';

/** A step of 1, 2 or 5 × 10^k near `raw`: bin widths people can read off an axis. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return Math.max(1, nice * power);
}

/** Bin edges: [e0, e1, …, en]; bin i holds e_i ≤ v < e_{i+1} (the last bin also holds its end). */
export function binEdges(min: number, max: number, options: { bins: number; log: boolean }): number[] {
  if (options.log) {
    // Token counts start at 0; a log axis starts at 1 token, and 0 lands in the first bin.
    const lo = Math.max(1, min);
    const hi = Math.max(lo * 2, max + 1);
    const k = Math.max(1, options.bins);
    const ratio = Math.log(hi / lo) / k;
    return Array.from({ length: k + 1 }, (_, i) => (i === k ? hi : lo * Math.exp(ratio * i)));
  }
  const step = niceStep((max - min + 1) / Math.max(1, options.bins));
  const start = Math.floor(min / step) * step;
  const edges = [start];
  while (edges[edges.length - 1]! <= max) edges.push(edges[edges.length - 1]! + step);
  return edges;
}

/** Counts of `values` in the bins given by `edges` (one pass, binary search per value). */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = counts.length - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = last;
    if (v <= edges[0]!) {
      counts[0]!++;
      continue;
    }
    if (v >= edges[last]!) {
      counts[last]!++;
      continue;
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    counts[lo]!++;
  }
  return counts;
}
