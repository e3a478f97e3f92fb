/**
 * A deterministic in-memory GenerationBackend for unit tests ("fake backend" in test names).
 * Tokens are strings interned to ids; the model is a function of the tokens so far and of the
 * draw (position, stream, seed), exactly the contract the real backend keeps.
 */
import type { PromptSettings } from '../../../common/settings/prompt';
import type {
  BackendSequence,
  GenerateRequest,
  GenerateResult,
  GenerationBackend,
  GenerationEnd,
  RenderedPrompt,
  Token,
  TokenSignal,
} from '../../../main/engine/backend/GenerationBackend';
import { StopStringMatcher } from '../../../main/engine/backend/StopStringMatcher';
import { tokenSeed, type SeedStream } from '../../../main/engine/sampling/seeds';

export const EOS = '<eos>';

export interface Draw {
  readonly position: number;
  readonly stream: SeedStream;
  /** The token's seed, or null for greedy decoding. */
  readonly seed: number | null;
}

/** The fake model: the next token's text from the texts so far (prompt included). */
export type FakeModel = (context: readonly string[], draw: Draw) => string;

/**
 * The fake's token signals: a function of where the token was drawn and of K, so a test knows
 * each token's values and can tell them apart (real values come from llama.cpp in
 * test/integration/engine/tokenSignals.test.ts).
 */
export function fakeSignal(position: number, token: Token, topK: number): TokenSignal {
  return { logprob: -position / 1000, entropy: token / 100, confidence: topK + position };
}

/** Multi-character texts that tokenize as one token (everything else is one token per character). */
const WORDS = ['<think>', '</think>', EOS, 'Wait'];

export class FakeBackend implements GenerationBackend {
  readonly name = 'fake';
  readonly capabilities = { exactSeededBranching: true };
  readonly thinkDelimiters = { open: '<think>', close: '</think>' };
  readonly contextSize: number;
  readonly parallelism: number;
  /** Tokens drawn by the model, over all sequences (peeks included). */
  draws = 0;
  /** Sequences handed out and not yet given back. */
  inUse = 0;
  private readonly texts: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly idle: FakeSequence[] = [];
  private readonly waiting: Array<(sequence: FakeSequence) => void> = [];
  private created = 0;

  constructor(
    readonly model: FakeModel,
    options: { parallelism?: number; contextSize?: number; drawDelayMs?: number } = {},
  ) {
    this.parallelism = options.parallelism ?? 1;
    this.contextSize = options.contextSize ?? 100_000;
    this.drawDelayMs = options.drawDelayMs ?? 0;
  }

  readonly drawDelayMs: number;

  id(text: string): Token {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(text);
      this.ids.set(text, id);
    }
    return id;
  }

  text(token: Token): string {
    return this.texts[token]!;
  }

  tokenizeNow(text: string): Token[] {
    const tokens: Token[] = [];
    for (let i = 0; i < text.length;) {
      const word = WORDS.find((w) => text.startsWith(w, i));
      const piece = word ?? text[i]!;
      tokens.push(this.id(piece));
      i += piece.length;
    }
    return tokens;
  }

  async tokenize(text: string): Promise<Token[]> {
    return this.tokenizeNow(text);
  }

  async detokenize(tokens: readonly Token[]): Promise<string> {
    return tokens.map((t) => (this.text(t) === EOS ? '' : this.text(t))).join('');
  }

  async renderPrompt(prompt: PromptSettings, message: string): Promise<RenderedPrompt> {
    const text = (prompt.chatTemplate === 'raw' ? message : `[user]${message}[assistant]`) + prompt.thinkPrefix;
    return { text, tokens: this.tokenizeNow(text) };
  }

  async acquireSequence(signal?: AbortSignal): Promise<BackendSequence> {
    signal?.throwIfAborted();
    const take = (sequence: FakeSequence) => {
      this.inUse += 1;
      return sequence;
    };
    const idle = this.idle.pop();
    if (idle) return take(idle);
    if (this.created < this.parallelism) {
      this.created += 1;
      return take(new FakeSequence(this));
    }
    return new Promise((resolve) => this.waiting.push((s) => resolve(take(s))));
  }

  giveBack(sequence: FakeSequence): void {
    this.inUse -= 1;
    const next = this.waiting.shift();
    if (next) next(sequence);
    else this.idle.push(sequence);
  }
}

class FakeSequence implements BackendSequence {
  tokens: Token[] = [];

  constructor(private readonly backend: FakeBackend) {}

  async start(prefix: readonly Token[], signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    this.tokens = [...prefix];
    return 0;
  }

  append(tokens: readonly Token[]): void {
    this.tokens.push(...tokens);
  }

  async truncate(length: number): Promise<void> {
    this.tokens.length = length;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const b = this.backend;
    const kept: Token[] = [];
    const keptSignals: TokenSignal[] = [];
    const offsets: number[] = [];
    let textLength = 0;
    const stops = new StopStringMatcher(request.stopStrings, request.precedingText ?? '');
    const finish = (end: GenerationEnd, extra: Partial<GenerateResult> = {}): GenerateResult => ({
      tokens: kept,
      end,
      elapsedMs: 0,
      ...(request.signals ? { signals: keptSignals } : {}),
      ...extra,
    });
    for (;;) {
      if (request.signal?.aborted) return finish('cancelled');
      const atLimit = kept.length >= request.maxTokens;
      if (atLimit && !request.peekAfterLimit) return finish('max-tokens');
      if (this.tokens.length >= b.contextSize) return finish('context-full');
      if (b.drawDelayMs > 0) await new Promise((r) => setTimeout(r, b.drawDelayMs));
      else await Promise.resolve();
      const position = this.tokens.length;
      const seed =
        request.sampling.temperature > 0 ? tokenSeed(request.seed.sampleSeed, request.seed.stream, position) : null;
      const text = b.model(
        this.tokens.map((t) => b.text(t)),
        { position, stream: request.seed.stream, seed },
      );
      b.draws += 1;
      const token = b.id(text);
      const signal = request.signals ? fakeSignal(position, token, request.signals.topK) : undefined;
      if (atLimit) {
        const endsGeneration = text === EOS;
        return finish('max-tokens', {
          next: {
            token,
            text,
            endsGeneration,
            completesStopString: endsGeneration ? null : (stops.find(text)?.text ?? null),
            ...(signal ? { signal } : {}),
          },
        });
      }
      if (text === EOS) return finish('end-of-generation');
      this.tokens.push(token);
      kept.push(token);
      if (signal) keptSignals.push(signal);
      offsets.push(textLength);
      textLength += text.length;
      request.onToken?.(token, text, signal);
      const match = stops.push(text);
      if (match) {
        let index = 0;
        offsets.forEach((o, i) => {
          if (o <= match.start) index = i;
        });
        return finish('stop-string', { stop: { text: match.text, tokenIndex: index } });
      }
    }
  }

  release(): void {
    this.backend.giveBack(this);
  }
}

/**
 * A chain model like the oracle's: after the prompt (ending in `>`), it thinks `length` tokens
 * ("a".."z" cycling), then writes `ending` (e.g. `</think>`, an answer, EOS). After the hint
 * (any text ending in ":\n\n") it answers "X" then EOS.
 */
export function chainModel(length: number, ending: readonly string[] = [EOS]): FakeModel {
  return (context) => {
    const promptEnd = context.lastIndexOf(']');
    const after = context.slice(promptEnd + 1);
    const joined = after.join('');
    if (joined.includes(':\n\n')) {
      const answered = joined.slice(joined.lastIndexOf(':\n\n') + 3);
      return answered.length === 0 ? 'X' : EOS;
    }
    const letterAt = after.flatMap((t, i) => (/^[a-z]$/.test(t) ? [i] : []));
    if (letterAt.length < length) return String.fromCharCode(97 + (letterAt.length % 26));
    const written = after.length - 1 - (letterAt.at(-1) ?? -1);
    return ending[written] ?? EOS;
  };
}

/** A pseudo-random model: the next token depends on the whole context and on the draw's seed. */
export function randomModel(options: { stopEvery?: number } = {}): FakeModel {
  const stopEvery = options.stopEvery ?? 40;
  return (context, draw) => {
    let h = draw.seed ?? 7;
    for (const text of context)
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ draw.position, 0x9e3779b1) >>> 0;
    if (h % stopEvery === 0) return EOS;
    return String.fromCharCode(97 + (h % 26));
  };
}

/**
 * A model with `<think>` delimiters for budget forcing: it thinks `length` letters and writes
 * `</think>`; after an appended "Wait" it thinks `afterWait` more letters and writes `</think>`
 * again; after `</think>` (and any cue) it answers "Y", then EOS.
 */
export function thinkModel(length: number, afterWait: number): FakeModel {
  return (context) => {
    const after = context.slice(context.lastIndexOf(']') + 1);
    const close = after.lastIndexOf('</think>');
    if (close >= 0) return after.slice(close + 1).includes('Y') ? EOS : 'Y';
    const wait = after.lastIndexOf('Wait');
    const letters = after.slice(wait + 1).filter((t) => /^[a-z]$/.test(t)).length;
    return letters < (wait >= 0 ? afterWait : length) ? String.fromCharCode(97 + (letters % 26)) : '</think>';
  };
}
