import type { Token } from '../backend/GenerationBackend';
import type { NativeAccess, NativeSampler } from './nativeContext';

interface QueuedEvaluation {
  readonly sequenceId: number;
  /** Position of `tokens[0]` in the sequence. */
  position: number;
  /** Still to be evaluated (a long prompt is evaluated over several batches). */
  tokens: readonly Token[];
  /** Draws the token after the last one; null: evaluate only. */
  readonly sampler: NativeSampler | null;
  readonly probe: LogitProbe | null;
  readonly resolve: (token: Token | null) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A second sampler run on the same logits right after the sequence's own draw, for token
 * signals: it reads the next-token distribution and leaves the sequence's sampler untouched.
 */
export interface LogitProbe {
  readonly sampler: NativeSampler;
  /** The candidates the probe's chain left, as llama.cpp gives them: `[id, p, id, p, …]`. */
  readonly receive: (candidates: readonly number[]) => void;
}

/**
 * The decode loop of one llama.cpp context, shared by its sequences: it batches what they ask
 * for into one `llama_decode`, draws each sequence's next token from its logits before the next
 * decode can overwrite them, and erases KV cells only between decodes.
 *
 * Per token this is two native calls (decode, sample), each a worker-thread round trip, and
 * little JavaScript: it replaces node-llama-cpp's `sequence.evaluate` loop, whose per-token
 * locks, scheduler and generator cost ~9% of a decode at 2 threads on the bench model
 * (docs/models.md, "Where the time goes" §4).
 *
 * Batching: a batch is decoded as soon as every active sequence has something queued (one
 * sequence: at once), otherwise at the next turn of the event loop, like node-llama-cpp's
 * "nextCycle" schedule.
 *
 * Drawing: the first draw after a decode runs alone, because llama.cpp reorders a batch's
 * outputs lazily, in place, on the first access to its logits, and concurrent first accesses
 * race (seen as tokens of another sequence, test/integration/engine/parallelAndCancel.test.ts).
 * After it the logits are only read, so the other sequences' draws are queued at once: the
 * worker thread runs them back to back instead of waiting for the main thread between two
 * (3 hand-offs per decode of N sequences instead of N + 1; docs/models.md, "Parallel sampling").
 */
export class ContextDecoder {
  private readonly queue: QueuedEvaluation[] = [];
  private readonly active = new Set<number>();
  private readonly erasures: Array<() => void> = [];
  private decoding = false;
  private nextTurn: NodeJS.Immediate | null = null;
  /** Decodes run and tokens they held (batch composition, for the benchmarks). */
  readonly counts = { decodes: 0, tokens: 0 };

  constructor(
    private readonly native: NativeAccess,
    private readonly batchSize: number,
  ) {}

  /** A sequence that will keep asking for tokens: batches wait for it (until the next turn). */
  activate(sequenceId: number): void {
    this.active.add(sequenceId);
  }

  deactivate(sequenceId: number): void {
    this.active.delete(sequenceId);
    this.maybeDecode();
  }

  /**
   * Evaluates `tokens` at positions `position`, `position + 1`, … of the sequence and, with a
   * sampler, draws the token that follows them (else resolves null); a probe then reads the
   * same logits.
   */
  evaluate(
    sequenceId: number,
    position: number,
    tokens: readonly Token[],
    sampler: NativeSampler | null,
    probe: LogitProbe | null = null,
  ): Promise<Token | null> {
    if (tokens.length === 0) return Promise.reject(new Error('nothing to evaluate'));
    return new Promise((resolve, reject) => {
      this.queue.push({ sequenceId, position, tokens, sampler, probe, resolve, reject });
      this.maybeDecode();
    });
  }

  /**
   * Removes the sequence's KV cells from position `start` on (between decodes). Resolves false
   * when llama.cpp cannot cut the sequence there; the whole sequence is cleared instead.
   */
  erase(sequenceId: number, start: number): Promise<boolean> {
    const remove = () => {
      const context = this.native.context;
      if (context.removeTokenCellsFromSequence(sequenceId, start, -1)) return true;
      context.removeTokenCellsFromSequence(sequenceId, 0, -1);
      return false;
    };
    if (!this.decoding) return Promise.resolve(remove());
    return new Promise((resolve, reject) =>
      this.erasures.push(() => {
        try {
          resolve(remove());
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  private maybeDecode(): void {
    if (this.decoding || this.queue.length === 0) return;
    if (this.everyActiveSequenceQueued()) {
      void this.decodeBatch();
    } else if (this.nextTurn === null) {
      this.nextTurn = setImmediate(() => {
        this.nextTurn = null;
        if (!this.decoding && this.queue.length > 0) void this.decodeBatch();
      });
    }
  }

  private everyActiveSequenceQueued(): boolean {
    for (const id of this.active) if (!this.queue.some((item) => item.sequenceId === id)) return false;
    return true;
  }

  private async decodeBatch(): Promise<void> {
    this.decoding = true;
    if (this.nextTurn !== null) {
      clearImmediate(this.nextTurn);
      this.nextTurn = null;
    }
    const included: QueuedEvaluation[] = [];
    const finished: Array<{ item: QueuedEvaluation; logitIndex: number }> = [];
    let handle: { dispose(): void } | null = null;
    try {
      handle = this.native.preventDisposal();
      const context = this.native.context;
      let space = this.batchSize;
      const parts: Array<{ item: QueuedEvaluation; count: number }> = [];
      for (const item of this.queue) {
        if (space === 0) break;
        const count = Math.min(item.tokens.length, space);
        parts.push({ item, count });
        space -= count;
      }
      // In order of sequence id: llama.cpp (one KV stream per sequence) otherwise gathers the
      // batch's rows into that order, and the matrix products then take the vector-dot path
      // instead of the blocked one: a 4-sequence decode took 17.5 ms instead of 9.5 here.
      parts.sort((a, b) => a.item.sequenceId - b.item.sequenceId);
      context.initBatch(this.batchSize - space);
      for (const { item, count } of parts) {
        included.push(item);
        const last = count === item.tokens.length;
        const wantsLogits = last && item.sampler !== null;
        const logitIndexes = context.addToBatch(
          item.sequenceId,
          item.position,
          Uint32Array.from(item.tokens.slice(0, count)),
          wantsLogits ? Uint32Array.of(count - 1) : new Uint32Array(0),
        );
        if (last) finished.push({ item, logitIndex: wantsLogits ? logitIndexes[0]! : -1 });
        else {
          item.tokens = item.tokens.slice(count);
          item.position += count;
        }
      }
      this.dequeue(finished.map((f) => f.item));
      await context.decodeBatch();
      this.counts.decodes += 1;
      this.counts.tokens += this.batchSize - space;
      const draws: Array<() => Promise<void>> = [];
      for (const { item, logitIndex } of finished) {
        const sampler = item.sampler;
        if (sampler === null) item.resolve(null);
        else draws.push(() => this.draw(item, sampler, logitIndex));
      }
      const [first, ...others] = draws;
      if (first) await first();
      if (others.length > 0) await Promise.all(others.map((draw) => draw()));
    } catch (error) {
      // A failed decode fails everything it held, including prompts evaluated in part.
      this.dequeue(included);
      for (const item of included) item.reject(error);
      if (included.length === 0) for (const item of this.queue.splice(0)) item.reject(error);
    } finally {
      handle?.dispose();
      this.decoding = false;
      for (const erase of this.erasures.splice(0)) erase();
      this.maybeDecode();
    }
  }

  /** Draws the item's token (and runs its probe) and settles it; never throws. */
  private async draw(item: QueuedEvaluation, sampler: NativeSampler, logitIndex: number): Promise<void> {
    const context = this.native.context;
    try {
      const drawn = await context.sampleToken(logitIndex, sampler);
      const token = Array.isArray(drawn) ? drawn[0] : drawn;
      if (token === -1) {
        item.reject(new Error('llama.cpp could not draw a token'));
        return;
      }
      if (item.probe) {
        const probed = await context.sampleToken(logitIndex, item.probe.sampler, true);
        item.probe.receive(Array.isArray(probed) && Array.isArray(probed[1]) ? (probed[1] as number[]) : []);
      }
      item.resolve(token);
    } catch (error) {
      item.reject(error);
    }
  }

  private dequeue(items: readonly QueuedEvaluation[]): void {
    for (const item of items) {
      const index = this.queue.indexOf(item);
      if (index >= 0) this.queue.splice(index, 1);
    }
  }
}
