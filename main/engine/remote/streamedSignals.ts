import type { Token, TokenSignal } from '../backend/GenerationBackend';
import { tokenSignalOf, type Candidate } from '../backend/tokenSignal';

/**
 * Per-token signals from the log-probabilities a server streams with each token (docs/remote.md,
 * "Token signals"). Both formats give log-probabilities over the whole vocabulary before any
 * sampler; tokenSignalOf renormalises them over the K most likely, as the local backend does.
 * A token without candidates (a server that ignores `logprobs`) has no signal: null.
 */

const TOKEN_ID_KEY = 'token_id:';

/**
 * ln 2^-149, float32's smallest probability. llama-server softmaxes in float32: a candidate more
 * than ~103 nats below the most likely comes back with probability 0 and a log-probability of
 * -3.4e38 (vLLM writes -9999 for -inf). Such values say only "below this", so they are read as it.
 */
export const LOWEST_STREAMED_LOGPROB = -149 * Math.LN2;

/** llama-server's `top_logprobs` of one token: `[{id, logprob}]`, most likely first. */
export function signalOfCandidates(
  drawn: Token,
  candidates: readonly { readonly id: Token; readonly logprob: number }[] | null | undefined,
  topK: number,
): TokenSignal | null {
  if (!candidates || candidates.length === 0) return null;
  const list: Candidate[] = [];
  for (const c of candidates) list.push({ token: c.id, logprob: Math.max(c.logprob, LOWEST_STREAMED_LOGPROB) });
  return signalOfMostLikely(drawn, list, topK);
}

/**
 * The legacy completions format's `top_logprobs` of one token: `{candidate: logprob}`, keyed
 * "token_id:N" with vLLM's `return_tokens_as_token_ids`; a server that keys by text instead
 * (the drawn token is then the key equal to its text) still gives the right numbers unless two
 * candidates share a text (their entries collapse). vLLM lists the drawn token besides the K
 * most likely: only the K most likely are kept.
 */
export function signalOfKeyedCandidates(
  drawn: Token,
  drawnText: string,
  candidates: Readonly<Record<string, number>> | null | undefined,
  topK: number,
): TokenSignal | null {
  if (!candidates) return null;
  const list: Candidate[] = [];
  let other = -1;
  for (const key in candidates) {
    const logprob = Math.max(candidates[key]!, LOWEST_STREAMED_LOGPROB);
    let token: Token;
    if (key.startsWith(TOKEN_ID_KEY)) token = Number(key.slice(TOKEN_ID_KEY.length));
    else token = key === drawnText ? drawn : other--;
    list.push({ token, logprob });
  }
  return list.length === 0 ? null : signalOfMostLikely(drawn, list, topK);
}

function signalOfMostLikely(drawn: Token, candidates: Candidate[], topK: number): TokenSignal {
  if (candidates.length > topK) candidates = candidates.sort((a, b) => b.logprob - a.logprob).slice(0, topK);
  return tokenSignalOf(drawn, candidates);
}
