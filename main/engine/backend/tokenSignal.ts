import type { Token, TokenSignal } from './GenerationBackend';

/** One candidate of the next-token distribution: its token and log-probability (any common offset). */
export interface Candidate {
  readonly token: Token;
  readonly logprob: number;
}

/**
 * A token's signals from the K most likely candidates (common/settings/signals.ts), renormalised
 * over those K so that both backends report the same numbers: llama.cpp's local sampler gives
 * probabilities over the top K, an OpenAI-compatible server gives log-probabilities over the
 * whole vocabulary. When the drawn token is not among the K, its log-probability is bounded by
 * the K-th candidate's.
 */
export function tokenSignalOf(drawn: Token, candidates: readonly Candidate[]): TokenSignal {
  if (candidates.length === 0) throw new Error('no candidates to compute token signals from');
  let max = -Infinity;
  for (const c of candidates) if (c.logprob > max) max = c.logprob;
  let sum = 0;
  for (const c of candidates) sum += Math.exp(c.logprob - max);
  const logNormalizer = max + Math.log(sum);
  let entropy = 0;
  let logprobSum = 0;
  let drawnLogprob: number | null = null;
  let lowest = Infinity;
  for (const c of candidates) {
    const logprob = c.logprob - logNormalizer;
    const probability = Math.exp(logprob);
    if (probability > 0) entropy -= probability * logprob;
    logprobSum += logprob;
    if (logprob < lowest) lowest = logprob;
    if (c.token === drawn) drawnLogprob = logprob;
  }
  return {
    logprob: drawnLogprob ?? lowest,
    entropy,
    confidence: -logprobSum / candidates.length,
  };
}
