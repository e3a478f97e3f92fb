import type { PromptSettings } from '../../../common/settings/prompt';
import type { SamplingSettings } from '../../../common/settings/sampling';
import type { SeedStream } from '../sampling/seeds';

/**
 * The small interface the window strategies and sweeps run over. The local llama.cpp backend
 * (main/engine/local) implements it token by token; a later OpenAI-compatible HTTP backend
 * (llama-server, vLLM) implements it with text-level continuation and greedy-only equality.
 * Nothing llama.cpp-specific belongs here.
 */

export type Token = number;

/** Why a call to `generate` returned. */
export type GenerationEnd =
  /** The model produced an end-of-generation token (it is not kept in the sequence). */
  | 'end-of-generation'
  /** A stop string appeared in the generated text (the tokens that wrote it are kept). */
  | 'stop-string'
  /** `maxTokens` were generated. */
  | 'max-tokens'
  /** The sequence's context is full: nothing more fits. */
  | 'context-full'
  /** The request's signal was aborted. */
  | 'cancelled';

export interface GenerateRequest {
  /** Generate at most this many tokens (0 is allowed: nothing is generated). */
  readonly maxTokens: number;
  readonly sampling: Omit<SamplingSettings, 'seed'>;
  /**
   * Which random stream the tokens come from. With temperature > 0 the token that will occupy
   * sequence position p is drawn with `tokenSeed(seed.sampleSeed, seed.stream, p)`, so that a
   * generation split into several calls equals one call (see docs/engine.md, "Seeded sampling").
   */
  readonly seed: { readonly sampleSeed: number; readonly stream: SeedStream };
  /** Generation ends when one of these appears in the generated text. */
  readonly stopStrings: readonly string[];
  /**
   * Text generated just before this call in the same stretch, so that a stop string split
   * across two calls is still found. Only its tail matters.
   */
  readonly precedingText?: string;
  /**
   * On reaching `maxTokens`, also draw the token the model would generate next and report it
   * in `GenerateResult.next`, without keeping it. A window must look at that token before
   * cutting: a thinking that ends by itself exactly at the window is not cut.
   */
  readonly peekAfterLimit?: boolean;
  readonly signal?: AbortSignal;
  /**
   * Compute each generated token's signals over the K most likely candidates
   * (common/settings/signals.ts); absent: none (the cheaper path).
   */
  readonly signals?: { readonly topK: number };
  /**
   * Streams each generated token as it is kept, with its text (best effort for partial UTF-8)
   * and, with `signals`, its signals: what DeepConf's online filter reads to stop a trace at
   * once (aborting `signal` from here ends the generation after this token).
   */
  readonly onToken?: (token: Token, text: string, signal?: TokenSignal) => void;
}

/** One token's signals (common/settings/signals.ts). */
export interface TokenSignal {
  readonly logprob: number;
  readonly entropy: number;
  readonly confidence: number;
}

export interface PeekedToken {
  readonly token: Token;
  readonly text: string;
  /** The model would end its generation here (an end-of-generation token). */
  readonly endsGeneration: boolean;
  /** The stop string this token would complete, if any. */
  readonly completesStopString: string | null;
  /** Its signals, when the request asked for them. */
  readonly signal?: TokenSignal;
}

export interface GenerateResult {
  /** The tokens generated and kept in the sequence (an end-of-generation token is never kept). */
  readonly tokens: readonly Token[];
  readonly end: GenerationEnd;
  /** With end 'stop-string': which one, and the index in `tokens` of the token where it begins. */
  readonly stop?: { readonly text: string; readonly tokenIndex: number };
  /** With `request.signals`: one per token of `tokens`, in order. */
  readonly signals?: readonly TokenSignal[];
  /** With end 'max-tokens' and `peekAfterLimit`: the token the model would generate next. */
  readonly next?: PeekedToken;
  /** Milliseconds spent evaluating pending tokens and generating, and before the first token. */
  readonly elapsedMs: number;
}

/**
 * One sequence of tokens the backend evaluates: a prompt, then generated and inserted tokens.
 * Appended tokens are evaluated lazily, together with the next `generate`.
 */
export interface BackendSequence {
  /** The tokens of the sequence, prompt included (appended but not yet evaluated ones too). */
  readonly tokens: readonly Token[];
  /**
   * Starts the sequence over from `prefix` (usually a prompt) and evaluates it; reuses what the
   * sequence already holds when it starts with the same prompt. Returns the milliseconds spent.
   */
  start(prefix: readonly Token[], signal?: AbortSignal): Promise<number>;
  /** Appends tokens (e.g. a hint the strategy inserts); evaluated with the next `generate`. */
  append(tokens: readonly Token[]): void;
  /** Drops everything after the first `length` tokens (a branch of a sweep, a suppressed delimiter). */
  truncate(length: number): Promise<void>;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Gives the sequence back to the backend for other samples. */
  release(): void;
}

export interface BackendCapabilities {
  /**
   * Seeded sampling is exactly reproducible across branching (the token at a position depends
   * only on the sequence before it and the seed stream). Without it, sweeps equal independent
   * runs only under greedy decoding.
   */
  readonly exactSeededBranching: boolean;
}

export interface RenderedPrompt {
  /** The prompt as text, special tokens written out. */
  readonly text: string;
  readonly tokens: readonly Token[];
}

export interface GenerationBackend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** How many sequences can generate at once (batched together by the backend). */
  readonly parallelism: number;
  /** Tokens per sequence, prompt included. */
  readonly contextSize: number;
  /** The think delimiters the model uses, when it has them. */
  readonly thinkDelimiters: { readonly open: string; readonly close: string } | null;
  /** Tokenizes text the strategy inserts (hints, "Wait", cues); special tokens are recognised. */
  tokenize(text: string): Promise<Token[]>;
  /** The text of tokens that follow `preceding` in a sequence (for tokenizers whose text depends on context). */
  detokenize(tokens: readonly Token[], preceding?: readonly Token[]): Promise<string>;
  /** The exact prompt a sample starts from: chat template, system prompt, think prefix. */
  renderPrompt(prompt: PromptSettings, message: string): Promise<RenderedPrompt>;
  /** Waits for a free sequence (or until the signal aborts). */
  acquireSequence(signal?: AbortSignal): Promise<BackendSequence>;
}
