import type { LlamaContextSequence, LlamaModel, Token as LlamaToken } from 'node-llama-cpp';
import type {
  BackendSequence,
  GenerateRequest,
  GenerateResult,
  GenerationEnd,
  PeekedToken,
  Token,
} from '../backend/GenerationBackend';
import { StopStringMatcher } from '../backend/StopStringMatcher';
import { tokenSeed } from '../sampling/seeds';
import { IncrementalDetokenizer } from './IncrementalDetokenizer';

/** Draws the token at the next position, after evaluating the tokens not yet in the KV cache. */
interface TokenSource {
  draw(pending: readonly Token[], position: number): Promise<Token>;
  close(): Promise<void>;
}

/**
 * A llama.cpp context sequence as a BackendSequence.
 *
 * The sequence's tokens are the ones in its KV cache plus appended or generated tokens still
 * pending evaluation (the last generated token is evaluated only when the next one is drawn).
 * The token drawn after a limit (a window's look-ahead) is remembered, so continuing the
 * thinking after a sweep branch does not evaluate anything twice.
 */
export class LocalSequence implements BackendSequence {
  private sequenceTokens: Token[] = [];
  private peeked: { length: number; key: string; token: Token } | null = null;

  constructor(
    private readonly sequence: LlamaContextSequence,
    private readonly model: LlamaModel,
    private readonly giveBack: (sequence: LocalSequence) => void,
  ) {}

  get tokens(): readonly Token[] {
    return this.sequenceTokens;
  }

  /** The node-llama-cpp sequence underneath, for benchmarks that compare against a bare token loop. */
  get llamaSequence(): LlamaContextSequence {
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
    const body = prefix.slice(0, -1);
    const held = this.sequence.contextTokens;
    const reusable = held.length >= body.length && body.every((token, i) => held[i] === token);
    await this.eraseFrom(reusable ? body.length : 0);
    signal?.throwIfAborted();
    if (!reusable && body.length > 0) await this.sequence.evaluateWithoutGeneratingNewTokens(body as LlamaToken[]);
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
    const detokenizer = new IncrementalDetokenizer(this.model, this.sequenceTokens.slice(-8));
    const stops = new StopStringMatcher(request.stopStrings, request.precedingText ?? '');
    const kept: Token[] = [];
    const offsets: number[] = [];
    let textLength = 0;

    let pending = this.sequenceTokens.slice(this.sequence.nextTokenIndex);
    let ready: Token | null = null;
    if (pending.length === 0) {
      const peeked = this.peeked;
      if (peeked && peeked.length === this.sequenceTokens.length && peeked.key === key) ready = peeked.token;
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
      ...extra,
    });

    const source: TokenSource = greedy ? new GreedySource(this.sequence) : new SeededSource(this.sequence, request);
    try {
      for (;;) {
        if (request.signal?.aborted) return finish('cancelled');
        const atLimit = kept.length >= request.maxTokens;
        if (atLimit && !request.peekAfterLimit) return finish('max-tokens');
        // The drawn token must fit in the context when it is evaluated; never let llama.cpp shift it.
        if (this.sequenceTokens.length >= this.sequence.contextSize) return finish('context-full');

        const position = this.sequenceTokens.length;
        const token = ready ?? (await source.draw(pending, position));
        ready = null;
        this.peeked = { length: position, key, token };
        const endsGeneration = this.model.isEogToken(token as LlamaToken);
        if (atLimit) {
          const text = endsGeneration ? '' : detokenizer.peek(token);
          const next: PeekedToken = {
            token,
            text,
            endsGeneration,
            completesStopString: stops.find(text)?.text ?? null,
          };
          return finish('max-tokens', { next });
        }
        if (endsGeneration) return finish('end-of-generation');

        this.sequenceTokens.push(token);
        kept.push(token);
        const piece = detokenizer.push(token);
        offsets.push(textLength);
        textLength += piece.length;
        request.onToken?.(token, piece);
        const match = stops.push(piece);
        if (match)
          return finish('stop-string', { stop: { text: match.text, tokenIndex: tokenAt(offsets, match.start) } });
        pending = [token];
      }
    } finally {
      await source.close();
    }
  }

  release(): void {
    this.giveBack(this);
  }

  /** Drops the KV cache from `length` on. */
  private async eraseFrom(length: number): Promise<void> {
    const end = this.sequence.nextTokenIndex;
    if (end <= length) return;
    if (length === 0) await this.sequence.clearHistory();
    else await this.sequence.eraseContextTokenRanges([{ start: length, end }]);
  }
}

/** The index of the token whose text contains character `offset` (0 when it lies before them all). */
function tokenAt(offsets: readonly number[], offset: number): number {
  let index = 0;
  for (let i = 0; i < offsets.length; i += 1) if (offsets[i]! <= offset) index = i;
  return index;
}

/**
 * Greedy decoding with one `sequence.evaluate` generator per call: the same loop as a bare
 * node-llama-cpp token loop, so the engine adds almost nothing to it.
 */
class GreedySource implements TokenSource {
  private iterator: AsyncGenerator<LlamaToken, void, void | LlamaToken | LlamaToken[]> | null = null;
  private last: Token | null = null;

  constructor(private readonly sequence: LlamaContextSequence) {}

  async draw(pending: readonly Token[]): Promise<Token> {
    let step: IteratorResult<LlamaToken, void>;
    if (this.iterator === null) {
      this.iterator = this.sequence.evaluate(pending as LlamaToken[], { temperature: 0, yieldEogToken: true });
      step = await this.iterator.next();
    } else {
      // The generator evaluates the token it yielded last unless told otherwise.
      const same = pending.length === 1 && pending[0] === this.last;
      step = await this.iterator.next(same ? undefined : (pending as LlamaToken[]));
    }
    if (step.done) throw new Error('llama.cpp returned no token');
    this.last = step.value;
    return step.value;
  }

  async close(): Promise<void> {
    await this.iterator?.return();
  }
}

/**
 * Seeded sampling with a fresh sampler per token, seeded by the token's position and stream
 * (main/engine/sampling/seeds.ts): `controlledEvaluate` takes the sampling options per call.
 */
class SeededSource implements TokenSource {
  constructor(
    private readonly sequence: LlamaContextSequence,
    private readonly request: GenerateRequest,
  ) {}

  async draw(pending: readonly Token[], position: number): Promise<Token> {
    const { sampling, seed } = this.request;
    const options = {
      temperature: sampling.temperature,
      topK: sampling.topK,
      topP: sampling.topP,
      minP: sampling.minP,
      seed: tokenSeed(seed.sampleSeed, seed.stream, position),
    };
    const last = pending.length - 1;
    const output = await this.sequence.controlledEvaluate(
      pending.map((token, i) =>
        i === last
          ? ([token as LlamaToken, { generateNext: { token: true, options } }] as const)
          : (token as LlamaToken),
      ) as Parameters<LlamaContextSequence['controlledEvaluate']>[0],
    );
    const token = output[last]?.next.token;
    if (token === undefined || token === null) throw new Error('llama.cpp returned no token');
    return token;
  }

  async close(): Promise<void> {}
}
