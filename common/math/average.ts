// The one mean and median of the workbench (store summaries, figures, benchmarks).

/**
 * The arithmetic mean, and `ifEmpty` (NaN unless said otherwise: there is no mean of nothing)
 * for no values. Stored summaries say 0; figures leave the point out.
 */
export function mean(values: ArrayLike<number>, ifEmpty = NaN): number {
  if (values.length === 0) return ifEmpty;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** The median (the mean of the two middle values for an even count); `ifEmpty` (NaN) for no values. */
export function median(values: ArrayLike<number>, ifEmpty = NaN): number {
  if (values.length === 0) return ifEmpty;
  const n = values.length;
  const mid = n >> 1;
  // Token counts: non-negative integers in a small range, counted instead of sorted (same result).
  let max = 0;
  let counts = n >= 64;
  const limit = 4 * n;
  for (let i = 0; i < n && counts; i++) {
    const v = values[i]!;
    if (!smallCount(v, limit)) counts = false;
    else if (v > max) max = v;
  }
  if (counts) {
    const perValue = new Uint32Array(max + 1);
    for (let i = 0; i < n; i++) perValue[values[i]!]!++;
    return medianOfCounts(perValue, n);
  }
  const sorted = Float64Array.from(values).sort();
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** An integer in [0, limit] (not −0): a value that can be counted in an array of limit + 1. */
export function smallCount(v: number, limit: number): boolean {
  // Operators only (no builtin calls): this runs per value, often before the JIT has warmed up.
  return v >= 0 && v <= limit && (v | 0) === v && (v !== 0 || 1 / v > 0);
}

/** The median of n values given as counts per value (`counts[v]` values equal to v). */
export function medianOfCounts(counts: Uint32Array, n: number): number {
  const mid = n >> 1;
  // The values at sorted positions mid − 1 and mid.
  let seen = 0;
  let below = -1;
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v]!;
    if (below === -1 && seen >= mid) below = v;
    if (seen > mid) return n % 2 === 1 ? v : ((mid === 0 ? v : below) + v) / 2;
  }
  return 0;
}
