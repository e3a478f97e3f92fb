import type { Token, TokenSignal } from '../backend/GenerationBackend';
import { LOWEST_TOKEN_LOGPROB, tokenSignalOf, type Candidate } from '../backend/tokenSignal';

/**
 * Per-token signals from the log-probabilities a server streams with each token (docs/remote.md,
 * "Token signals"). Both formats give log-probabilities over the whole vocabulary before any
 * sampler; tokenSignalOf renormalises them over the K most likely, as the local backend does.
 * A token without candidates (a server that ignores `logprobs`) has no signal: null.
 */

const TOKEN_ID_KEY = 'token_id:';

/*
 * llama-server softmaxes in float32: a candidate more than ~103 nats below the most likely comes
 * back with probability 0 and a log-probability of -3.4e38 (vLLM writes -9999 for -inf). Such
 * values say only "below float32's smallest", so they are read as tokenSignalOf's floor.
 */

/** llama-server's `top_logprobs` of one token, most likely first, as JSON.parse gives them. */
export function signalOfCandidates(
  drawn: Token,
  candidates: readonly { readonly id: Token; readonly logprob: number }[] | null | undefined,
  topK: number,
): TokenSignal | null {
  if (!candidates || candidates.length === 0) return null;
  const list = reusedCandidates(candidates.length);
  for (let i = 0; i < list.length; i++) set(list[i]!, candidates[i]!.id, candidates[i]!.logprob);
  return signalOfMostLikely(drawn, list, topK);
}

/** The same from candidates `[from, to)` of two arrays, as the event reader (completionEvents.ts) reads them from the bytes. */
export function signalOfCandidateSpan(
  drawn: Token,
  ids: Float64Array,
  logprobs: Float64Array,
  from: number,
  to: number,
  topK: number,
): TokenSignal | null {
  if (to === from) return null;
  const list = reusedCandidates(to - from);
  for (let i = 0; i < list.length; i++) set(list[i]!, ids[from + i]!, logprobs[from + i]!);
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
  let count = 0;
  for (const _ in candidates) count += 1;
  if (count === 0) return null;
  const list = reusedCandidates(count);
  let other = -1;
  let i = 0;
  for (const key in candidates) {
    let token: Token;
    if (key.startsWith(TOKEN_ID_KEY)) token = Number(key.slice(TOKEN_ID_KEY.length));
    else token = key === drawnText ? drawn : other--;
    set(list[i++]!, token, candidates[key]!);
  }
  return signalOfMostLikely(drawn, list, topK);
}

function signalOfMostLikely(drawn: Token, candidates: Candidate[], topK: number): TokenSignal {
  if (candidates.length > topK) candidates = [...candidates].sort((a, b) => b.logprob - a.logprob).slice(0, topK);
  return tokenSignalOf(drawn, candidates);
}

/**
 * Candidates are handed to tokenSignalOf in objects reused from token to token: a fast stream
 * brings K of them per token, and tokenSignalOf only reads them during the call.
 */
interface MutableCandidate {
  token: Token;
  logprob: number;
}
const pool: MutableCandidate[] = [];
const views = new Map<number, MutableCandidate[]>();

function reusedCandidates(count: number): MutableCandidate[] {
  while (pool.length < count) pool.push({ token: 0, logprob: 0 });
  let view = views.get(count);
  if (!view) views.set(count, (view = pool.slice(0, count)));
  return view;
}

function set(candidate: MutableCandidate, token: Token, logprob: number): void {
  candidate.token = token;
  candidate.logprob = Math.max(logprob, LOWEST_TOKEN_LOGPROB);
}
