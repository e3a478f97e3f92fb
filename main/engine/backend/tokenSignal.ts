import type { Token, TokenSignal } from './GenerationBackend';

/** One candidate of the next-token distribution: its token and log-probability (any common offset). */
export interface Candidate {
  readonly token: Token;
  readonly logprob: number;
}

/**
 * The lowest log-probability a candidate is given: ln 2^-149 ≈ −103.28, the log of float32's
 * smallest positive value. A server that softmaxes in float32 (llama-server) cannot report a
 * probability below it: a candidate further down comes back as 0, read as this value. vLLM's
 * log_softmax would not underflow and the local backend knows the exact logits, but with the
 * floor applied here every backend gives the same numbers for the same distribution, so DeepConf
 * thresholds and early-exit scores carry over between them (docs/engine.md, "Token signals").
 * The floor is on log-probabilities renormalised over the K, as the server's are over the
 * vocabulary: once a candidate is this unlikely the tokens outside the K hold ~e^-103 of the
 * mass, so the two normalisers agree and the server's and the local numbers are equal.
 */
export const LOWEST_TOKEN_LOGPROB = -149 * Math.LN2;

/**
 * A token's signals from the K most likely candidates (common/settings/signals.ts), renormalised
 * over those K and floored at LOWEST_TOKEN_LOGPROB, so that both backends report the same
 * numbers: llama.cpp's local sampler gives probabilities over the top K, an OpenAI-compatible
 * server gives log-probabilities over the whole vocabulary. When the drawn token is not among
 * the K, its log-probability is bounded by the K-th candidate's.
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
    // Raising a candidate to the floor adds at most K · e^-103 to the total: no renormalising again.
    const logprob = Math.max(c.logprob - logNormalizer, LOWEST_TOKEN_LOGPROB);
    const probability = Math.exp(logprob);
    entropy -= probability * logprob;
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
