import { ApiError } from '../../../common/api/messages';
import type {
  BackendSequence,
  GenerateRequest,
  GenerateResult,
  GenerationEnd,
  PeekedToken,
  Token,
  TokenSignal,
} from '../backend/GenerationBackend';
import { StopStringMatcher } from '../backend/StopStringMatcher';
import { SignalColumns } from '../strategies/SignalColumns';
import { Continuation, type CompletionSource, type StreamedToken } from './Continuation';
import { Utf8Pieces } from './Utf8Pieces';

/** Continuations a sequence keeps: a sweep's phase 1, and the answer branches around it. */
const KEPT_CONTINUATIONS = 4;

/** What the sequence needs of its backend. */
export interface SequenceHost extends CompletionSource {
  readonly contextSize: number;
  /** Remembers a token's bytes, so detokenizing generated text needs no request. */
  rememberBytes(token: Token, bytes: Uint8Array): void;
  /**
   * Signals were asked for and the server streamed a token without candidates: says so (once)
   * and answers null, so the result carries no signals rather than some.
   */
  noSignals(topK: number): null;
}

type Drawn =
  | { readonly kind: 'token'; readonly token: StreamedToken }
  | { readonly kind: 'end-of-generation'; readonly token: Token }
  | { readonly kind: 'context-full' };

/**
 * A sequence on an OpenAI-compatible server. The server holds no state we rely on: the token
 * list lives here, and each request sends the whole prefix as token ids (no retokenization
 * drift), with `max_tokens` as the limit. Servers with prefix caching (llama-server slots, vLLM's
 * automatic prefix caching) make resending a long prefix cheap.
 *
 * The look-ahead (`peekAfterLimit`) is one more token in the same request, not kept. Tokens a
 * request generated beyond what a call kept stay in the sequence's continuations and serve
 * later calls from the same prefix: a window sweep reads phase 1 once, up to its largest
 * window (`readAhead`), and branches the answers off it.
 */
export class RemoteSequence implements BackendSequence {
  private sequenceTokens: Token[] = [];
  private startLength = 0;
  private continuations: Continuation[] = [];
  private clock = 0;
  /** Phase-1 tokens to ask for at once (a batch's largest swept window); null: only what a call needs. */
  readAhead: number | null = null;

  constructor(
    private readonly host: SequenceHost,
    private readonly giveBack: (sequence: RemoteSequence) => void,
  ) {}

  get tokens(): readonly Token[] {
    return this.sequenceTokens;
  }

  /** Requests sent so far by this sequence's kept continuations (for tests and the benchmark). */
  get requestCount(): number {
    return this.continuations.reduce((sum, c) => sum + c.requests, 0);
  }

  /** Nothing is evaluated here: the prompt is processed by the server with the first request. */
  async start(prefix: readonly Token[], signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    if (prefix.length === 0) throw new Error('a sequence starts from a prompt of at least one token');
    if (prefix.length > this.host.contextSize) {
      throw new Error(`the prompt has ${prefix.length} tokens, more than the server's context holds (${this.host.contextSize})`);
    }
    this.sequenceTokens = [...prefix];
    this.startLength = prefix.length;
    for (const c of this.continuations) {
      let agree = 0;
      while (agree < prefix.length && c.tokenAt(agree) === prefix[agree]) agree += 1;
      c.agree = agree;
    }
    return 0;
  }

  append(tokens: readonly Token[]): void {
    for (const token of tokens) this.push(token);
  }

  async truncate(length: number): Promise<void> {
    if (length < 0 || length > this.sequenceTokens.length) {
      throw new Error(`cannot truncate a sequence of ${this.sequenceTokens.length} tokens to ${length}`);
    }
    this.sequenceTokens.length = length;
    for (const c of this.continuations) c.agree = Math.min(c.agree, length);
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const started = performance.now();
    const signal = request.signal ?? new AbortController().signal;
    const key = samplingKey(request);
    const pieces = new Utf8Pieces();
    const stops = new StopStringMatcher(request.stopStrings, request.precedingText ?? '');
    const kept: Token[] = [];
    // Signals of the kept tokens while every one has them; null once one has none. Kept as
    // columns for the call (a whole sample, for some strategies) and made objects at its end.
    let signals: SignalColumns | null = request.signals ? new SignalColumns() : null;
    const offsets: number[] = [];
    let textLength = 0;
    const opened: Continuation[] = [];

    const finish = (end: GenerationEnd, extra: Partial<GenerateResult> = {}): GenerateResult => ({
      tokens: kept,
      end,
      elapsedMs: performance.now() - started,
      // Only signals are pushed: a token without one ends the columns (null).
      ...(signals ? { signals: signals.toSignals() as TokenSignal[] } : {}),
      ...extra,
    });

    let result: GenerateResult | null = null;
    try {
      for (;;) {
        if (signal.aborted) return (result = finish('cancelled'));
        const atLimit = kept.length >= request.maxTokens;
        if (atLimit && !request.peekAfterLimit) return (result = finish('max-tokens'));
        if (this.sequenceTokens.length >= this.host.contextSize) return (result = finish('context-full'));

        const wanted = request.maxTokens - kept.length + (request.peekAfterLimit ? 1 : 0);
        const continuation = this.continuationAt(key, request, wanted, opened);
        // Tokens a chunk brought in are taken without waiting; only an exhausted buffer waits.
        let drawn = this.drawn(continuation);
        if (drawn === null) {
          try {
            await continuation.fill(this.sequenceTokens.length - continuation.prefix.length + 1, signal);
          } catch (error) {
            if (signal.aborted) return (result = finish('cancelled'));
            throw error;
          }
          drawn = this.drawn(continuation) ?? this.ended(continuation);
        }
        if (drawn.kind === 'context-full') return (result = finish('context-full'));
        if (atLimit) {
          const endsGeneration = drawn.kind === 'end-of-generation';
          const text = drawn.kind === 'token' ? pieces.peek(drawn.token.bytes) : '';
          const peeked = drawn.kind === 'token' && request.signals ? drawn.token.signal : null;
          const next: PeekedToken = {
            token: drawn.kind === 'token' ? drawn.token.token : drawn.token,
            text,
            endsGeneration,
            completesStopString: endsGeneration ? null : (stops.find(text)?.text ?? null),
            ...(peeked ? { signal: peeked } : {}),
          };
          return (result = finish('max-tokens', { next }));
        }
        if (drawn.kind === 'end-of-generation') return (result = finish('end-of-generation'));

        const { token, bytes } = drawn.token;
        this.push(token);
        kept.push(token);
        if (signals) {
          if (drawn.token.signal) signals.push(drawn.token.signal);
          else signals = this.host.noSignals(request.signals!.topK);
        }
        const piece = pieces.push(bytes, drawn.token.exact);
        offsets.push(textLength);
        textLength += piece.length;
        request.onToken?.(token, piece, (request.signals && drawn.token.signal) || undefined);
        const match = stops.push(piece);
        if (match) return (result = finish('stop-string', { stop: { text: match.text, tokenIndex: tokenAt(offsets, match.start) } }));
      }
    } finally {
      // A read-ahead request is received to its end (the next windows are read from it); every
      // other request still under way is abandoned (a stop string, a cancel, an error).
      let failure: unknown = null;
      for (const c of opened) {
        if (result?.end === 'max-tokens' && c.open && !signal.aborted) {
          try {
            await c.fill(c.target, signal);
          } catch (error) {
            // A read-ahead that failed only costs a request later; wrong token counts do not pass.
            if (error instanceof ApiError && error.code === 'remote-token-mismatch') failure ??= error;
          }
        }
        await c.close();
      }
      if (failure) throw failure;
    }
  }

  release(): void {
    this.giveBack(this);
  }

  /** The continuation the next token comes from: one that agrees with the sequence, else a new request. */
  private continuationAt(key: string, request: GenerateRequest, wanted: number, opened: Continuation[]): Continuation {
    const position = this.sequenceTokens.length;
    let continuation = this.usable(key, position);
    if (!continuation) {
      const room = this.host.contextSize - position;
      const readAhead =
        this.readAhead !== null && request.seed.stream === 'thinking'
          ? this.startLength + this.readAhead + 1 - position
          : 0;
      continuation = new Continuation(
        key,
        [...this.sequenceTokens],
        Math.min(room, Math.max(wanted, readAhead)),
        {
          sampling: request.sampling,
          sampleSeed: request.seed.sampleSeed,
          stream: request.seed.stream,
          signalsTopK: request.signals?.topK ?? null,
        },
        this.host,
      );
      // Used now, before `keep` evicts the least recently used.
      continuation.lastUsed = ++this.clock;
      this.keep(continuation);
      opened.push(continuation);
    }
    continuation.lastUsed = ++this.clock;
    return continuation;
  }

  /** The token at the end of the sequence if the continuation has received it; null: not yet. */
  private drawn(continuation: Continuation): Drawn | null {
    const token = continuation.generated.at(this.sequenceTokens.length - continuation.prefix.length);
    if (token) {
      if (token.exact) this.host.rememberBytes(token.token, token.bytes);
      return { kind: 'token', token };
    }
    return continuation.open ? null : this.ended(continuation);
  }

  /** What a continuation that has no more tokens ended in. */
  private ended(continuation: Continuation): Drawn {
    if (continuation.end === 'end-of-generation') return { kind: 'end-of-generation', token: continuation.endToken ?? -1 };
    return { kind: 'context-full' };
  }

  /** A continuation whose prefix and tokens are exactly the sequence, with the token at `position` known or coming. */
  private usable(key: string, position: number): Continuation | undefined {
    // Asked once per token: a plain loop over the (at most KEPT_CONTINUATIONS) continuations.
    for (const c of this.continuations) {
      if (c.key !== key || c.agree !== position || position < c.prefix.length) continue;
      if (position < c.knownLength || c.open || c.end === 'end-of-generation' || c.end === 'context-full') return c;
    }
    return undefined;
  }

  private keep(continuation: Continuation): void {
    this.continuations.push(continuation);
    if (this.continuations.length > KEPT_CONTINUATIONS) {
      const oldest = this.continuations.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a));
      this.continuations.splice(this.continuations.indexOf(oldest), 1);
    }
  }

  private push(token: Token): void {
    const position = this.sequenceTokens.length;
    this.sequenceTokens.push(token);
    for (const c of this.continuations) if (c.agree === position && c.tokenAt(position) === token) c.agree += 1;
  }
}

/**
 * Which requests draw the same tokens: under greedy decoding every request from the same prefix
 * does (whatever its phase); with sampling, those with the same settings, sample seed and phase.
 */
function samplingKey(request: GenerateRequest): string {
  const { sampling, seed } = request;
  // Tokens read without candidates cannot serve a request for signals (nor K candidates one for K + 1).
  const signals = request.signals ? `:${request.signals.topK}` : '';
  if (sampling.temperature <= 0) return `greedy${signals}`;
  return JSON.stringify([sampling.temperature, sampling.topK, sampling.topP, sampling.minP, seed.sampleSeed, seed.stream]) + signals;
}

/** The index of the token whose text contains character `offset` (0 when it lies before them all). */
function tokenAt(offsets: readonly number[], offset: number): number {
  let index = 0;
  for (let i = 0; i < offsets.length; i += 1) if (offsets[i]! <= offset) index = i;
  return index;
}
