import { ApiError } from '../../../common/api/messages';
import type { SamplingSettings } from '../../../common/settings/sampling';
import type { Token, TokenSignal } from '../backend/GenerationBackend';
import type { SeedStream } from '../sampling/seeds';
import { remoteError } from './remoteErrors';
import { backoffDelayMs, firstRetryDelayMs, sleep, type RetryPolicy } from './retryPolicy';
import { isRetryable, ServerConnectionError, ServerHttpError } from './ServerClient';
import { readCompletionChunk, type CompletionChunk, type CompletionUsage } from './serverResponses';
import { CandidateSignal } from './CandidateSignal';
import { signalOfCandidates, signalOfKeyedCandidates } from './streamedSignals';
import { StreamedTokens } from './StreamedTokens';

/** A token the server generated, with its bytes (its text, which may end inside a UTF-8 character). */
export interface StreamedToken {
  readonly token: Token;
  readonly bytes: Uint8Array;
  /** The bytes are the token's own (not a share of a chunk's text that several tokens wrote). */
  readonly exact: boolean;
  /** Its signals, when they were asked for (`DrawParameters.signalsTopK`) and the server sent candidates. */
  readonly signal: TokenSignal | null;
}

/** What decides the tokens a server draws after a prefix (besides the prefix). */
export interface DrawParameters {
  readonly sampling: Omit<SamplingSettings, 'seed'>;
  readonly sampleSeed: number;
  readonly stream: SeedStream;
  /** Ask for the K most likely candidates of every token, for its signals; null: none. */
  readonly signalsTopK: number | null;
}

/** Opens streamed completions: the backend's side of a continuation. */
export interface CompletionSource {
  readonly retry: RetryPolicy;
  /** The completions URL, for error messages. */
  readonly completionsUrl: string;
  /**
   * One streamed POST /v1/completions of at most `maxTokens` tokens after `prompt` (token ids):
   * its events' JSON, a batch per chunk received.
   */
  open(prompt: readonly Token[], maxTokens: number, draw: DrawParameters, signal: AbortSignal): AsyncGenerator<unknown[]>;
  /** The ApiError a failure ends in once it is not retried any more. */
  explain(error: unknown, attempts: number): Error;
  /** The bytes already known for a token id, so that a token streamed again reuses them. */
  knownBytes?(token: Token): Uint8Array | undefined;
}

/**
 * How a continuation ended: the model's end-of-generation token; all the tokens asked for; or
 * fewer, because the server's context is full.
 */
export type ContinuationEnd = 'end-of-generation' | 'length' | 'context-full';

const NO_BYTES = new Uint8Array(0);
const encoder = new TextEncoder();

/**
 * The tokens a server generated after a prefix, in one streamed request (or several, when a
 * connection dropped: the request is resumed from the tokens already received, which under greedy
 * decoding gives exactly the tokens the uninterrupted request would have).
 *
 * A sequence keeps its continuations after the request is over: a sweep asks for phase 1 once,
 * up to its largest window, and then reads every smaller window's thinking from here; an
 * independent run at a window asks for exactly W + 1 tokens (the look-ahead), the same request
 * prefix, so under greedy decoding the two agree token for token.
 *
 * Usage fields are checked when a request ends by itself: `prompt_tokens` must equal the prefix
 * sent, `completion_tokens` the tokens streamed (the end-of-generation token counted or not).
 */
export class Continuation {
  readonly generated = new StreamedTokens();
  end: ContinuationEnd | null = null;
  /** The end-of-generation token when the server streamed it (llama-server does), else null. */
  endToken: Token | null = null;
  /** Tokens of the owning sequence that agree with prefix + generated (maintained by the sequence). */
  agree = 0;
  lastUsed = 0;
  private attempt: Attempt | null = null;
  private frozen = false;
  private failures = 0;
  /** Requests sent (the first and every resumption): what tests and the benchmark count. */
  requests = 0;

  constructor(
    readonly key: string,
    readonly prefix: readonly Token[],
    /** Tokens to generate after the prefix, in all. */
    readonly target: number,
    private readonly draw: DrawParameters,
    private readonly source: CompletionSource,
  ) {
    this.agree = prefix.length;
  }

  /** The token at a sequence position (prefix or generated), or undefined past what is known. */
  tokenAt(position: number): Token | undefined {
    return position < this.prefix.length ? this.prefix[position] : this.generated.tokenAt(position - this.prefix.length);
  }

  get knownLength(): number {
    return this.prefix.length + this.generated.length;
  }

  /** Whether it may still receive tokens (its request is under way in this generate call). */
  get open(): boolean {
    return !this.frozen && this.end === null;
  }

  /** Receives tokens until `count` are generated, or the server ends. Throws after the retries. */
  async fill(count: number, signal: AbortSignal): Promise<void> {
    while (this.open && this.generated.length < count) await this.step(signal);
  }

  /** Stops receiving: an open request is abandoned (closing the connection stops the server's work). */
  async close(): Promise<void> {
    this.frozen = true;
    await this.dropAttempt();
  }

  private async step(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.attempt ??= this.openAttempt(signal);
    const attempt = this.attempt;
    let next: IteratorResult<unknown[]>;
    try {
      next = await attempt.events.next();
      if (next.done) {
        if (attempt.finishReason === null) throw new ServerConnectionError('the stream ended before the server said why', this.source.completionsUrl);
        this.finish(attempt);
        return;
      }
      // Indexed: a for…of here made an iterator object per chunk of events.
      const events = next.value;
      for (let i = 0; i < events.length; i++) this.receive(attempt, readCompletionChunk(events[i], this.source.completionsUrl));
    } catch (error) {
      await this.failed(error, signal);
    }
  }

  private openAttempt(signal: AbortSignal): Attempt {
    const from = [...this.prefix, ...this.generated.tokens()];
    const controller = new AbortController();
    const combined = AbortSignal.any([signal, controller.signal]);
    this.requests += 1;
    return {
      events: this.source.open(from, this.target - this.generated.length, this.draw, combined),
      controller,
      promptLength: from.length,
      received: 0,
      held: null,
      textLength: 0,
      finishReason: null,
      usage: null,
    };
  }

  private receive(attempt: Attempt, chunk: CompletionChunk): void {
    if (chunk.usage) attempt.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) return;
    const tokens = tokensOf(choice, attempt, this.draw.signalsTopK, this.source);
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      // The last token is held until the next one or the finish arrives: at a finish by
      // end-of-generation it may be the end-of-generation token, which is not kept.
      if (attempt.held) this.generated.push(attempt.held);
      attempt.held = token;
      attempt.received += 1;
    }
    if (choice.finish_reason) attempt.finishReason = choice.finish_reason;
  }

  private finish(attempt: Attempt): void {
    const { finishReason, usage, held } = attempt;
    this.attempt = null;
    if (finishReason !== 'stop' && finishReason !== 'length') {
      throw new ServerHttpError(500, `the completion ended with finish_reason "${finishReason}"`, null, this.source.completionsUrl);
    }
    let streamedEnd = false;
    if (held) {
      // llama-server and vLLM stream the end-of-generation token (it has no text) and count it.
      streamedEnd =
        finishReason === 'stop' && held.bytes.length === 0 && (usage === null || usage.completion_tokens === attempt.received);
      if (streamedEnd) this.endToken = held.token;
      else this.generated.push(held);
    }
    if (usage) this.checkUsage(attempt, usage, finishReason, streamedEnd);
    if (finishReason === 'stop') this.end = 'end-of-generation';
    else this.end = this.generated.length < this.target ? 'context-full' : 'length';
  }

  private checkUsage(attempt: Attempt, usage: CompletionUsage, finishReason: string, streamedEnd: boolean): void {
    if (usage.prompt_tokens !== attempt.promptLength) {
      throw remoteError(
        'remote-token-mismatch',
        `${this.source.completionsUrl} counted ${usage.prompt_tokens} prompt tokens for the ${attempt.promptLength} token ids sent (did it add a BOS token or shift the context?)`,
      );
    }
    const kept = attempt.received - (streamedEnd ? 1 : 0);
    const allowed = finishReason === 'stop' ? [kept, kept + 1] : [kept];
    if (!allowed.includes(usage.completion_tokens)) {
      throw remoteError(
        'remote-token-mismatch',
        `${this.source.completionsUrl} reported ${usage.completion_tokens} completion tokens but streamed ${attempt.received} token ids`,
      );
    }
  }

  private async failed(error: unknown, signal: AbortSignal): Promise<void> {
    // A stream that delivered tokens before it broke starts the count of failures anew; one that
    // breaks again at the same token (a server that fails on that output) runs out of retries.
    if (this.attempt && this.prefix.length + this.generated.length > this.attempt.promptLength) this.failures = 0;
    await this.dropAttempt();
    if (signal.aborted) throw signal.reason;
    if (error instanceof ApiError || !isRetryable(error)) throw error instanceof ApiError ? error : this.source.explain(error, this.failures + 1);
    if (this.failures >= this.source.retry.retries) throw this.source.explain(error, this.failures + 1);
    const wait = firstRetryDelayMs(error, this.failures) ?? backoffDelayMs(this.failures, this.source.retry, error instanceof ServerHttpError ? error.retryAfterMs : null);
    this.failures += 1;
    await sleep(wait, signal);
  }

  /** Abandons the request under way; its held token is dropped (it is asked for again on resuming). */
  private async dropAttempt(): Promise<void> {
    const attempt = this.attempt;
    this.attempt = null;
    if (!attempt) return;
    attempt.controller.abort(new Error('closed'));
    await attempt.events.return(undefined).catch(() => undefined);
  }
}

interface Attempt {
  readonly events: AsyncGenerator<unknown[]>;
  readonly controller: AbortController;
  readonly promptLength: number;
  received: number;
  held: StreamedToken | null;
  /** Characters of text streamed so far (vLLM's text offsets count from the start of the request). */
  textLength: number;
  finishReason: string | null;
  usage: CompletionUsage | null;
}

type Choice = CompletionChunk['choices'][number];
type ContentEntry = NonNullable<NonNullable<Choice['logprobs']>['content']>[number];

/**
 * The token ids (and bytes) of one streamed chunk, from whichever field the server fills:
 * llama-server's `logprobs.content[].id` with `bytes`; vLLM's `token_ids` (`return_token_ids`)
 * or `logprobs.tokens` as "token_id:N" (`return_tokens_as_token_ids`) with `text_offset`.
 * A server that streams text without ids cannot be counted exactly: that is an error.
 * With `topK`, each token's signals from the candidates streamed with it (streamedSignals.ts).
 */
function tokensOf(choice: Choice, attempt: Attempt, topK: number | null, source: CompletionSource): StreamedToken[] {
  const text = choice.text ?? '';
  const base = attempt.textLength;
  attempt.textLength += text.length;
  const logprobs = choice.logprobs;
  if (logprobs?.content) {
    // A loop into an array of the exact count: `map` made a closure per event besides.
    const content = logprobs.content;
    const received = new Array<StreamedToken>(content.length);
    for (let i = 0; i < content.length; i++) {
      const entry = content[i]!;
      received[i] = {
        token: entry.id,
        bytes: entry.bytes ? bytesOf(entry.id, entry.bytes, source) : encoder.encode(entry.token ?? ''),
        exact: Boolean(entry.bytes),
        signal: topK === null ? null : signalOfEntry(entry, topK),
      };
    }
    return received;
  }
  if (logprobs?.tokens && logprobs.tokens.every((t) => t.startsWith('token_id:'))) {
    const offsets = logprobs.text_offset ?? [];
    return logprobs.tokens.map((t, i) => {
      const from = offsets[i] !== undefined ? offsets[i]! - base : i === 0 ? 0 : text.length;
      const to = offsets[i + 1] !== undefined ? offsets[i + 1]! - base : text.length;
      const token = Number(t.slice('token_id:'.length));
      const piece = text.slice(from, to);
      const signal = topK === null ? null : signalOfKeyedCandidates(token, piece, logprobs.top_logprobs?.[i], topK);
      return { token, bytes: encoder.encode(piece), exact: false, signal };
    });
  }
  if (choice.token_ids && choice.token_ids.length > 0) {
    const last = choice.token_ids.length - 1;
    return choice.token_ids.map((token, i) => ({ token, bytes: i === last ? encoder.encode(text) : NO_BYTES, exact: false, signal: null }));
  }
  if (text.length > 0) {
    throw remoteError(
      'remote-bad-response',
      `${source.completionsUrl} streamed text without token ids; the workbench needs them to count tokens exactly (llama-server reports them with "logprobs", vLLM with "return_token_ids" or "return_tokens_as_token_ids")`,
    );
  }
  return [];
}

/** A `logprobs.content` entry's signal: computed by the event reader (completionEvents.ts), or from the candidates JSON.parse gave. */
function signalOfEntry(entry: ContentEntry, topK: number): TokenSignal | null {
  const top = entry.top_logprobs;
  if (!(top instanceof CandidateSignal)) return signalOfCandidates(entry.id, top, topK);
  if (top.topK !== topK) throw new Error(`candidates read for K = ${top.topK} where signals were asked for at K = ${topK}`);
  return top.signal;
}

/** A token's bytes as streamed, reusing the array already known for its id when they are the same. */
function bytesOf(token: Token, bytes: readonly number[], source: CompletionSource): Uint8Array {
  const known = source.knownBytes?.(token);
  if (known && known.length === bytes.length) {
    let same = true;
    for (let i = 0; i < bytes.length && same; i++) same = known[i] === bytes[i];
    if (same) return known;
  }
  return Uint8Array.from(bytes);
}
