import type { Histogram, Proportion, TokenStats } from '../../common/api/contract/runs';
import { mean as averageOf, median as medianOf, medianOfCounts, smallCount } from '../../common/math/average';
import { seededRandom } from '../../common/math/seededRandom';
import { Z95, wilsonBounds } from '../../common/math/wilsonInterval';

export { seededRandom };

/** A run's accuracy: the proportion with its Wilson 95% interval (common/math/wilsonInterval.ts). */
export function wilsonInterval(successes: number, trials: number, z = Z95): Proportion {
  if (trials === 0) return { value: 0, low: 0, high: 1, successes: 0, trials: 0 };
  return { value: successes / trials, ...wilsonBounds(successes, trials, z), successes, trials };
}

/** Mean and median as the store's summaries keep them: 0 for a run without samples. */
export const mean = (values: ArrayLike<number>): number => averageOf(values, 0);
export const median = (values: ArrayLike<number>): number => medianOf(values, 0);

/** The smallest 1-2-5 × 10^k width that covers [0, max] in at most `maxBins` bins. */
export function histogramBinWidth(max: number, maxBins = 40): number {
  for (let scale = 1; ; scale *= 10) {
    for (const step of [1, 2, 5]) {
      const width = step * scale;
      if (Math.floor(max / width) + 1 <= maxBins) return width;
    }
  }
}

/**
 * Counts of integer values in bins [k·w, (k+1)·w) from 0 up to the bin holding the largest
 * value. The width depends only on the largest value, so equal data always gives equal bins.
 */
export function histogram(values: ArrayLike<number>, maxBins = 40): Histogram {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  const binWidth = histogramBinWidth(max, maxBins);
  const counts = new Array<number>(values.length === 0 ? 0 : Math.floor(max / binWidth) + 1).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.floor(Math.max(0, values[i]!) / binWidth)]! += 1;
  return { binWidth, bins: counts.map((count, k) => ({ start: k * binWidth, end: (k + 1) * binWidth, count })) };
}

export function tokenStats(values: ArrayLike<number>): TokenStats {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let counts = n >= 64;
  const limit = 4 * n;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (counts && !smallCount(v, limit)) counts = false;
  }
  if (counts) {
    // Token counts: count each value once, then read the median and the bins off the counts
    // (the same numbers as median() and histogram(), in two passes instead of seven).
    const perValue = new Uint32Array(max + 1);
    for (let i = 0; i < n; i++) perValue[values[i]!]!++;
    const binWidth = histogramBinWidth(max);
    const bins: Histogram['bins'] = [];
    for (let start = 0; start <= max; start += binWidth) {
      let count = 0;
      for (let v = start; v < start + binWidth && v <= max; v++) count += perValue[v]!;
      bins.push({ start, end: start + binWidth, count });
    }
    return { count: n, mean: sum / n, median: medianOfCounts(perValue, n), min, max, histogram: { binWidth, bins } };
  }
  return {
    count: n,
    mean: mean(values),
    median: median(values),
    min: n === 0 ? 0 : min,
    max: n === 0 ? 0 : max,
    histogram: histogram(values),
  };
}

/** log of n choose k, exact enough for binomial tails up to large n. */
function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const LOG_FACTORIALS: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIALS.length; i <= n; i++) LOG_FACTORIALS.push(LOG_FACTORIALS[i - 1]! + Math.log(i));
  return LOG_FACTORIALS[n]!;
}

/** Complementary error function (Numerical Recipes' erfcc, fractional error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * McNemar's test on the discordant pairs b (only A correct) and c (only B correct). Below 25
 * discordant pairs the exact two-sided binomial test is used (the χ² approximation is poor
 * there); above, χ² with continuity correction and one degree of freedom.
 */
export function mcnemarTest(b: number, c: number): { statistic: number; pValue: number; exact: boolean } {
  const n = b + c;
  const statistic = n === 0 ? 0 : (Math.abs(b - c) - 1) ** 2 / n;
  if (n < 25) {
    const k = Math.min(b, c);
    let tail = 0;
    for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
    return { statistic, pValue: Math.min(1, 2 * tail), exact: true };
  }
  return { statistic, pValue: Math.min(1, erfc(Math.sqrt(statistic / 2))), exact: false };
}

/**
 * Paired bootstrap 95% interval of the difference in accuracy, resampling problems (clusters of
 * paired samples) with replacement, so several samples of one problem are not taken as
 * independent. `differences[i]` and `counts[i]` are problem i's summed (a − b) and its pairs.
 */
export function pairedBootstrap(
  differences: ArrayLike<number>,
  counts: ArrayLike<number>,
  options: { seed: number; resamples?: number },
): { value: number; low: number; high: number; resamples: number; seed: number } {
  const problems = differences.length;
  let totalDiff = 0;
  let totalCount = 0;
  for (let i = 0; i < problems; i++) {
    totalDiff += differences[i]!;
    totalCount += counts[i]!;
  }
  const value = totalCount === 0 ? 0 : totalDiff / totalCount;
  // Keep the work bounded for 100k-problem runs: at least 200 resamples, at most 2000.
  const resamples = options.resamples ?? Math.max(200, Math.min(2000, Math.floor(5e7 / Math.max(1, problems))));
  if (problems === 0) return { value, low: 0, high: 0, resamples: 0, seed: options.seed };
  const random = seededRandom(options.seed);
  const estimates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let d = 0;
    let n = 0;
    for (let i = 0; i < problems; i++) {
      const pick = Math.floor(random() * problems);
      d += differences[pick]!;
      n += counts[pick]!;
    }
    estimates[r] = n === 0 ? 0 : d / n;
  }
  estimates.sort();
  const at = (q: number) => estimates[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return { value, low: at(0.025), high: at(0.975), resamples, seed: options.seed };
}
