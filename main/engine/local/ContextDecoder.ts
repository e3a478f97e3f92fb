import type { Token } from '../backend/GenerationBackend';
import type { NativeAccess, NativeContext, NativeSampler } from './nativeContext';

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
  /** Set while a batch is built: how many of `tokens` it holds, and the batch index of the logits drawn from. */
  inBatch: number;
  logitIndex: number;
}

/** llama.cpp copies what `addToBatch` is given at once, so these can be reused for every call. */
const ONE_TOKEN = new Uint32Array(1);
const NO_LOGITS = new Uint32Array(0);
const LOGITS_OF_ONE = Uint32Array.of(0);
const bySequenceId = (a: QueuedEvaluation, b: QueuedEvaluation) => a.sequenceId - b.sequenceId;

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
  /**
   * The context's disposal handle, taken at the first decode and kept (a handle per decode cost
   * ~2 µs and ~2 KB of garbage: per token with one sequence). Given back when the context's
   * dispose begins, after the batch in flight if there is one: the dispose goes ahead, and later
   * batches are refused a handle and fail, as with a handle per decode.
   */
  private held: { dispose(): void } | null = null;
  private disposing = false;
  /** Decodes run and tokens they held (batch composition, for the benchmarks). */
  readonly counts = { decodes: 0, tokens: 0 };

  constructor(
    private readonly native: NativeAccess,
    private readonly batchSize: number,
  ) {
    native.whenDisposing(() => {
      this.disposing = true;
      if (!this.decoding) this.giveBackContext();
    });
  }

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
      this.queue.push({ sequenceId, position, tokens, sampler, probe, resolve, reject, inBatch: 0, logitIndex: -1 });
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
    for (const id of this.active) if (!this.isQueued(id)) return false;
    return true;
  }

  private isQueued(sequenceId: number): boolean {
    for (const item of this.queue) if (item.sequenceId === sequenceId) return true;
    return false;
  }

  private async decodeBatch(): Promise<void> {
    this.decoding = true;
    if (this.nextTurn !== null) {
      clearImmediate(this.nextTurn);
      this.nextTurn = null;
    }
    const included: QueuedEvaluation[] = [];
    try {
      this.held ??= this.native.preventDisposal(); // throws once a dispose has begun
      const context = this.native.context;
      let space = this.batchSize;
      for (const item of this.queue) {
        if (space === 0) break;
        item.inBatch = Math.min(item.tokens.length, space);
        included.push(item);
        space -= item.inBatch;
      }
      // In order of sequence id: llama.cpp (one KV stream per sequence) otherwise gathers the
      // batch's rows into that order, and the matrix products then take the vector-dot path
      // instead of the blocked one: a 4-sequence decode took 17.5 ms instead of 9.5 here.
      included.sort(bySequenceId);
      context.initBatch(this.batchSize - space);
      for (const item of included) this.addToBatch(context, item);
      const finished = included.filter((item) => item.inBatch === item.tokens.length);
      this.dequeue(finished);
      for (const item of included) {
        if (item.inBatch === item.tokens.length) continue;
        item.tokens = item.tokens.slice(item.inBatch);
        item.position += item.inBatch;
      }
      await context.decodeBatch();
      this.counts.decodes += 1;
      this.counts.tokens += this.batchSize - space;
      let first: QueuedEvaluation | null = null;
      for (const item of finished) {
        if (item.sampler === null) item.resolve(null);
        else first ??= item;
      }
      if (first !== null) {
        await this.draw(first);
        let others: Array<Promise<void>> | null = null;
        for (const item of finished) if (item !== first && item.sampler !== null) (others ??= []).push(this.draw(item));
        if (others !== null) await Promise.all(others);
      }
    } catch (error) {
      // A failed decode fails everything it held, including prompts evaluated in part.
      this.dequeue(included);
      for (const item of included) item.reject(error);
      if (included.length === 0) for (const item of this.queue.splice(0)) item.reject(error);
    } finally {
      this.decoding = false;
      if (this.disposing) this.giveBackContext();
      for (const erase of this.erasures.splice(0)) erase();
      this.maybeDecode();
    }
  }

  /** Adds the item's share of the batch; the logits of its last token when it ends in this batch and draws. */
  private addToBatch(context: NativeContext, item: QueuedEvaluation): void {
    const count = item.inBatch;
    const last = count === item.tokens.length;
    const wantsLogits = last && item.sampler !== null;
    let tokens: Uint32Array;
    if (count === 1) {
      ONE_TOKEN[0] = item.tokens[0]!;
      tokens = ONE_TOKEN;
    } else tokens = Uint32Array.from(last ? item.tokens : item.tokens.slice(0, count));
    const logits = !wantsLogits ? NO_LOGITS : count === 1 ? LOGITS_OF_ONE : Uint32Array.of(count - 1);
    const logitIndexes = context.addToBatch(item.sequenceId, item.position, tokens, logits);
    item.logitIndex = wantsLogits ? logitIndexes[0]! : -1;
  }

  private giveBackContext(): void {
    this.held?.dispose();
    this.held = null;
  }

  /** Draws the item's token (and runs its probe) and settles it; never throws. */
  private async draw(item: QueuedEvaluation): Promise<void> {
    const context = this.native.context;
    const logitIndex = item.logitIndex;
    try {
      const drawn = await context.sampleToken(logitIndex, item.sampler!);
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
