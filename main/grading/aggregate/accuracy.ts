/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

export interface Accuracy {
  correct: number;
  total: number;
  /** correct / total, or null when nothing was graded. */
  accuracy: number | null;
  /** Wilson score interval (95%): honest at small n and near 0 or 1, unlike p ± 1.96·SE. */
  lower: number;
  upper: number;
}

export function wilsonInterval(successes: number, total: number, z = Z95): { lower: number; upper: number } {
  if (!Number.isInteger(successes) || !Number.isInteger(total) || successes < 0 || total < 0 || successes > total) {
    throw new RangeError(`wilsonInterval: need whole numbers 0 ≤ successes ≤ total, got ${successes}/${total}`);
  }
  if (total === 0) return { lower: 0, upper: 1 };
  const p = successes / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const center = (p + z2 / (2 * total)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denominator;
  // At p = 0 or 1 the bound is exactly 0 or 1; rounding must not push it past.
  return { lower: successes === 0 ? 0 : Math.max(0, center - half), upper: successes === total ? 1 : Math.min(1, center + half) };
}

export function accuracy(correct: number, total: number): Accuracy {
  const { lower, upper } = wilsonInterval(correct, total);
  return { correct, total, accuracy: total === 0 ? null : correct / total, lower, upper };
}

/** Accuracy over graded samples (anything with a boolean `correct`). */
export function accuracyOf(results: ReadonlyArray<{ correct: boolean }>): Accuracy {
  return accuracy(results.filter((r) => r.correct).length, results.length);
}
