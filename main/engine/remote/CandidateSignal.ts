import type { TokenSignal } from '../backend/GenerationBackend';

/**
 * What the event reader (completionEvents.ts) leaves in place of a token's `top_logprobs`: the
 * signal its candidates give at the K the request asked for, computed while the candidates were
 * read from the bytes. With token signals every token brings K candidates (20 by default); keeping
 * them as objects or arrays until the token is received made most of a fast stream's garbage
 * (docs/remote.md, "How fast the client ingests").
 */
export class CandidateSignal {
  constructor(
    /** The K the signal was computed for; null: none was asked for (the candidates were only skipped). */
    readonly topK: number | null,
    /** Null when no signal was asked for or the token came without candidates. */
    readonly signal: TokenSignal | null,
  ) {}

  /** Candidates read when no signal was asked for. */
  static readonly NOT_ASKED = new CandidateSignal(null, null);
}
