import { Z95, wilsonBounds } from '../../../common/math/wilsonInterval';

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
  const { low, high } = wilsonBounds(successes, total, z);
  return { lower: low, upper: high };
}

export function accuracy(correct: number, total: number): Accuracy {
  const { lower, upper } = wilsonInterval(correct, total);
  return { correct, total, accuracy: total === 0 ? null : correct / total, lower, upper };
}

/** Accuracy over graded samples (anything with a boolean `correct`). */
export function accuracyOf(results: ReadonlyArray<{ correct: boolean }>): Accuracy {
  return accuracy(results.filter((r) => r.correct).length, results.length);
}
