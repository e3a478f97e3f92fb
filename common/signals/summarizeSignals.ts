import type { SignalSummary } from '../api/contract/generation';
import { mean } from '../math/average';
import { DEFAULT_GROUP_SIZE } from '../settings/signals';

/** Per-token values of the generated tokens, in order; null or NaN where a token has none. */
export interface SignalArrays {
  readonly logprob: ArrayLike<number | null>;
  readonly entropy: ArrayLike<number | null>;
  readonly confidence: ArrayLike<number | null>;
}

/** The share of sliding windows whose mean makes DeepConf's bottom group confidence. */
const BOTTOM_SHARE = 0.1;

/**
 * The per-sample summary of a trajectory's signals (DeepConf, arXiv 2508.15260, §3.1): token
 * confidences averaged over sliding windows of `groupSize` tokens ending at every token from the
 * `groupSize`-th on (one window, the whole trace, when it is shorter); the lowest of those means,
 * the mean of the lowest 10% of them, and the mean of the last `groupSize` tokens. Tokens without
 * a value (inserted text) are skipped, so windows run over generated tokens only.
 */
export function summarizeSignals(signals: SignalArrays, options: { topK: number; groupSize?: number }): SignalSummary {
  const groupSize = options.groupSize ?? DEFAULT_GROUP_SIZE;
  const confidence = present(signals.confidence);
  const groups = windowMeans(confidence, groupSize);
  const lowest = groups.length > 0 ? Math.min(...groups) : null;
  const bottomCount = Math.max(1, Math.ceil(groups.length * BOTTOM_SHARE));
  const bottom = groups.length > 0 ? mean([...groups].sort((a, b) => a - b).slice(0, bottomCount)) : null;
  return {
    tokens: confidence.length,
    topK: options.topK,
    groupSize,
    meanLogprob: meanOrNull(present(signals.logprob)),
    meanEntropy: meanOrNull(present(signals.entropy)),
    meanConfidence: meanOrNull(confidence),
    lowestGroupConfidence: lowest,
    bottomGroupConfidence: bottom,
    tailConfidence: meanOrNull(confidence.slice(-groupSize)),
  };
}

/** Means of every window of `size` consecutive values (one window over all when fewer). */
export function windowMeans(values: readonly number[], size: number): number[] {
  if (values.length === 0) return [];
  if (values.length <= size) return [mean(values)];
  const means: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) {
    sum += values[i]!;
    if (i >= size) sum -= values[i - size]!;
    if (i >= size - 1) means.push(sum / size);
  }
  return means;
}

function present(values: ArrayLike<number | null>): number[] {
  const kept: number[] = [];
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (value !== null && value !== undefined && !Number.isNaN(value)) kept.push(value);
  }
  return kept;
}

function meanOrNull(values: readonly number[]): number | null {
  return values.length > 0 ? mean(values) : null;
}
