import type { LlamaContextSequence, LlamaModel, Token as LlamaToken } from 'node-llama-cpp';
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
import { tokenSeed } from '../sampling/seeds';
import type { ContextDecoder, LogitProbe } from './ContextDecoder';
import { CONTEXT_TOKENS, IncrementalDetokenizer } from './IncrementalDetokenizer';
import { nativeSequenceOf, type NativeSampler, type NativeSequence } from './nativeContext';
import { ReseededSampler } from './ReseededSampler';
import { probeSamplerOptions, signalFromProbe } from './signalProbe';

/** A token drawn, with its signals over the top `topK` when they were asked for. */
interface Drawn {
  readonly token: Token;
  readonly signal: TokenSignal | undefined;
  readonly topK: number | undefined;
}

/**
 * A llama.cpp context sequence as a BackendSequence.
 *
 * The sequence's tokens are the ones in its KV cache plus appended or generated tokens still
 * pending evaluation (the last generated token is evaluated only when the next one is drawn).
 * The token drawn after a limit (a window's look-ahead) is remembered, so continuing the
 * thinking after a sweep branch does not evaluate anything twice.
 *
 * Token signals (docs/engine.md, "Token signals"): with `request.signals`, a probe sampler
 * (top-K only) reads the logits of every draw right after the sequence's own sampler has drawn
 * from them; it has its own chain and random state, so the tokens drawn are the same with
 * signals on or off.
 *
 * Tokens are evaluated and drawn through the context's ContextDecoder, not node-llama-cpp's
 * `evaluate` (see there why); node-llama-cpp's sequence object only owns the sequence id (the
 * benchmarks' baselines borrow it through `bareSequence()`).
 */
export class LocalSequence implements BackendSequence {
  private sequenceTokens: Token[] = [];
  /** The tokens in the KV cache, in order from position 0. */
  private cached: Token[] = [];
  private peeked: { length: number; key: string; drawn: Drawn } | null = null;
  private readonly native: NativeSequence;

  constructor(
    private readonly sequence: LlamaContextSequence,
    private readonly model: LlamaModel,
    private readonly decoder: ContextDecoder,
    private readonly giveBack: (sequence: LocalSequence) => void,
  ) {
    this.native = nativeSequenceOf(sequence, model);
  }

  get tokens(): readonly Token[] {
    return this.sequenceTokens;
  }

  /**
   * The node-llama-cpp sequence underneath, emptied, for benchmarks that compare against a bare
   * node-llama-cpp token loop (which must never run beside this sequence's own generation).
   */
  async bareSequence(): Promise<LlamaContextSequence> {
    await this.truncate(0);
    await this.sequence.clearHistory(); // node-llama-cpp's record of what it evaluated last time
    return this.sequence;
  }

  /**
   * Evaluates all of the prefix but its last token (drawing the first token evaluates that).
   * The KV cache is reused only when it starts with this very prompt: a prompt's cache is then
   * always computed in the same batches, so results do not depend on what a sequence held before.
   */
  async start(prefix: readonly Token[], signal?: AbortSignal): Promise<number> {
    const started = performance.now();
    if (prefix.length === 0) throw new Error('a sequence starts from a prompt of at least one token');
    if (prefix.length > this.sequence.contextSize) {
      throw new Error(
        `the prompt has ${prefix.length} tokens, more than the context holds (${this.sequence.contextSize})`,
      );
    }
    this.decoder.activate(this.native.id);
    const body = prefix.slice(0, -1);
    const held = this.cached;
    const reusable = held.length >= body.length && body.every((token, i) => held[i] === token);
    await this.eraseFrom(reusable ? body.length : 0);
    signal?.throwIfAborted();
    if (!reusable && body.length > 0) await this.evaluate(body, null);
    this.sequenceTokens = [...prefix];
    this.peeked = null;
    return performance.now() - started;
  }

  append(tokens: readonly Token[]): void {
    this.sequenceTokens.push(...tokens);
  }

  async truncate(length: number): Promise<void> {
    if (length < 0 || length > this.sequenceTokens.length) {
      throw new Error(`cannot truncate a sequence of ${this.sequenceTokens.length} tokens to ${length}`);
    }
    this.sequenceTokens.length = length;
    await this.eraseFrom(length);
    if (this.peeked && this.peeked.length > length) this.peeked = null;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const started = performance.now();
    const { sampling, seed } = request;
    const greedy = sampling.temperature <= 0;
    const key = greedy
      ? 'greedy'
      : JSON.stringify([
          sampling.temperature,
          sampling.topK,
          sampling.topP,
          sampling.minP,
          seed.sampleSeed,
          seed.stream,
        ]);
    const detokenizer = new IncrementalDetokenizer(this.model, this.sequenceTokens.slice(-CONTEXT_TOKENS));
    const stops = new StopStringMatcher(request.stopStrings, request.precedingText ?? '');
    const signalTopK = request.signals?.topK;
    const kept: Token[] = [];
    const keptSignals: TokenSignal[] = [];
    const offsets: number[] = [];
    let textLength = 0;

    let pending = this.sequenceTokens.slice(this.cached.length);
    let ready: Drawn | null = null;
    if (pending.length === 0) {
      const peeked = this.peeked;
      const reusable =
        peeked !== null &&
        peeked.length === this.sequenceTokens.length &&
        peeked.key === key &&
        (signalTopK === undefined || peeked.drawn.topK === signalTopK);
      if (reusable) ready = peeked.drawn;
      else {
        // The last token's logits are gone (a branch was erased after it): evaluate it again.
        await this.eraseFrom(this.sequenceTokens.length - 1);
        pending = this.sequenceTokens.slice(-1);
      }
    }

    const finish = (end: GenerationEnd, extra: Partial<GenerateResult> = {}): GenerateResult => ({
      tokens: kept,
      end,
      elapsedMs: performance.now() - started,
      ...(signalTopK !== undefined ? { signals: keptSignals } : {}),
      ...extra,
    });

    // Greedy: one sampler for the call, as node-llama-cpp's `evaluate` keeps one per generator.
    // Seeded: one sampler for the call too, re-seeded for each token's position (sampling/seeds.ts),
    // so every draw is that of a fresh sampler with the position's seed.
    const greedySampler = greedy ? this.native.createSampler({ temperature: 0 }) : null;
    const seededSampler = greedy
      ? null
      : new ReseededSampler(this.native, {
          temperature: sampling.temperature,
          topK: sampling.topK,
          topP: sampling.topP,
          minP: sampling.minP,
        });
    const probeSampler = signalTopK !== undefined ? this.native.createSampler(probeSamplerOptions(signalTopK)) : null;
    const draw = async (position: number): Promise<Drawn> => {
      const sampler = greedySampler ?? seededSampler!.seeded(tokenSeed(seed.sampleSeed, seed.stream, position));
      let probed: readonly number[] = [];
      const probe: LogitProbe | null = probeSampler && { sampler: probeSampler, receive: (c) => (probed = c) };
      const token = await this.evaluate(pending, sampler, probe);
      if (token === null) throw new Error('llama.cpp returned no token');
      return { token, signal: probe ? signalFromProbe(token, probed) : undefined, topK: signalTopK };
    };
    try {
      for (;;) {
        if (request.signal?.aborted) return finish('cancelled');
        const atLimit = kept.length >= request.maxTokens;
        if (atLimit && !request.peekAfterLimit) return finish('max-tokens');
        // The drawn token must fit in the context when it is evaluated; never let llama.cpp shift it.
        if (this.sequenceTokens.length >= this.sequence.contextSize) return finish('context-full');

        const position = this.sequenceTokens.length;
        const drawn = ready ?? (await draw(position));
        const { token, signal } = drawn;
        ready = null;
        this.peeked = { length: position, key, drawn };
        const endsGeneration = this.model.isEogToken(token as LlamaToken);
        if (atLimit) {
          const text = endsGeneration ? '' : detokenizer.peek(token);
          const next: PeekedToken = {
            token,
            text,
            endsGeneration,
            completesStopString: stops.find(text)?.text ?? null,
            ...(signal ? { signal } : {}),
          };
          return finish('max-tokens', { next });
        }
        if (endsGeneration) return finish('end-of-generation');

        this.sequenceTokens.push(token);
        kept.push(token);
        if (signal) keptSignals.push(signal);
        const piece = detokenizer.push(token);
        offsets.push(textLength);
        textLength += piece.length;
        request.onToken?.(token, piece, signal);
        const match = stops.push(piece);
        if (match)
          return finish('stop-string', { stop: { text: match.text, tokenIndex: tokenAt(offsets, match.start) } });
        pending = [token];
      }
    } finally {
      greedySampler?.dispose();
      seededSampler?.dispose();
      probeSampler?.dispose();
    }
  }

  release(): void {
    this.decoder.deactivate(this.native.id);
    this.giveBack(this);
  }

  /** Evaluates `tokens` after the cached ones and, with a sampler, draws the next token. */
  private async evaluate(
    tokens: readonly Token[],
    sampler: NativeSampler | null,
    probe: LogitProbe | null = null,
  ): Promise<Token | null> {
    try {
      const token = await this.decoder.evaluate(this.native.id, this.cached.length, tokens, sampler, probe);
      this.cached.push(...tokens);
      return token;
    } catch (error) {
      // What the cache holds is unknown now: clear it, so the next evaluation starts from 0.
      this.cached = [];
      await this.decoder.erase(this.native.id, 0).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Drops the KV cache from `length` on. From 0 it clears the whole sequence, including what a
   * direct user of the node-llama-cpp sequence left there.
   */
  private async eraseFrom(length: number): Promise<void> {
    if (length > 0 && this.cached.length <= length) return;
    const cut = await this.decoder.erase(this.native.id, length);
    this.cached.length = cut ? Math.min(this.cached.length, length) : 0;
  }
}

/** The index of the token whose text contains character `offset` (0 when it lies before them all). */
function tokenAt(offsets: readonly number[], offset: number): number {
  let index = 0;
  for (let i = 0; i < offsets.length; i += 1) if (offsets[i]! <= offset) index = i;
  return index;
}
