/**
 * The candidates streamed with one token (llama-server's `top_logprobs`), reduced to what the
 * client reads: their ids and log-probabilities, most likely first. With token signals every
 * token brings K of them (20 by default); they are written into a shared slab of numbers that
 * the lists of many tokens share, so a token's candidates cost one small object instead of an
 * object, or two growing arrays, per token (docs/remote.md, "How fast the client ingests": the
 * garbage collector was the client's largest cost).
 */

/** Numbers per slab: a slab serves thousands of tokens, and is garbage once their events are read. */
const SLAB_SIZE = 1 << 15;

interface Slab {
  readonly ids: Float64Array;
  readonly logprobs: Float64Array;
  used: number;
}

const newSlab = (): Slab => ({ ids: new Float64Array(SLAB_SIZE), logprobs: new Float64Array(SLAB_SIZE), used: 0 });
let current = newSlab();

export class CandidateList {
  private slab = current;
  private start = current.used;
  length = 0;

  /** Appends a candidate; only the list created last may grow (one event is read at a time). */
  push(id: number, logprob: number): void {
    let at = this.start + this.length;
    if (this.slab !== current || at !== current.used) throw new Error('only the newest candidate list can grow');
    if (at === SLAB_SIZE) {
      const next = newSlab();
      next.ids.set(this.slab.ids.subarray(this.start, at));
      next.logprobs.set(this.slab.logprobs.subarray(this.start, at));
      current = this.slab = next;
      this.start = 0;
      at = this.length;
    }
    this.slab.ids[at] = id;
    this.slab.logprobs[at] = logprob;
    this.length += 1;
    current.used = at + 1;
  }

  id(index: number): number {
    return this.slab.ids[this.start + index]!;
  }

  logprob(index: number): number {
    return this.slab.logprobs[this.start + index]!;
  }

  /** `[id, logprob]` pairs, for tests and messages. */
  toPairs(): [number, number][] {
    return Array.from({ length: this.length }, (_, i) => [this.id(i), this.logprob(i)]);
  }
}
