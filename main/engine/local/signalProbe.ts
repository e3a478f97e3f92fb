import type { Token, TokenSignal } from '../backend/GenerationBackend';
import { LOWEST_TOKEN_LOGPROB, tokenSignalOf, type Candidate } from '../backend/tokenSignal';
import type { SamplerOptions } from './nativeContext';

/**
 * The probe's temperature. llama.cpp hands the probe's K candidates back as float32
 * probabilities, softmaxed after the chain's temperature: at temperature 1 a candidate more
 * than ~103 logits below the top one comes back as 0 (float32's smallest positive is e^-103.3),
 * which confident tokens of sharp models (and the fixture models) reach. At temperature T the
 * probabilities are those of logits / T, and T · ln p recovers the logits up to one common
 * offset (all `tokenSignalOf` needs), exact to float32 rounding; T = 4 keeps gaps of up to ~413
 * logits. Top-K selects on the logits before the temperature, so the K are the same.
 */
export const PROBE_TEMPERATURE = 4;

/**
 * The probe's sampler chain: top-K, then the temperature (and a draw, which is ignored). No
 * top-p or min-p (node-llama-cpp's defaults would add top-p 0.95), so exactly K candidates stay.
 * llama.cpp's top-K is a partial sort over the vocabulary, O(V log K).
 */
export function probeSamplerOptions(topK: number): SamplerOptions {
  return { temperature: PROBE_TEMPERATURE, topK, topP: 1, minP: 0, seed: 0 };
}

/** The signals of token `drawn` from the probe's candidates `[id, p, id, p, …]`. */
export function signalFromProbe(drawn: Token, probed: readonly number[]): TokenSignal {
  const candidates: Candidate[] = [];
  for (let i = 0; i + 1 < probed.length; i += 2) {
    const probability = probed[i + 1]!;
    // One that underflowed is at least 413 logits down: tokenSignalOf raises it to its floor.
    const logProbability = probability > 0 ? Math.log(probability) : LOWEST_TOKEN_LOGPROB;
    candidates.push({ token: probed[i]!, logprob: PROBE_TEMPERATURE * logProbability });
  }
  return tokenSignalOf(drawn, candidates);
}
