import type { TokenSignal } from '../backend/GenerationBackend';

/**
 * One signal entry per token of a trajectory stretch, kept as columns of doubles (the values
 * exactly as the backend gave them) instead of an object per token: a sample keeps its tokens'
 * signals until it ends, and objects that live that long are copied by every young-generation
 * collection and then promoted (at 256 samples in flight that was a large share of the remote
 * client's time, docs/remote.md). Null entries (inserted tokens, none computed) are marked apart.
 */
export class SignalColumns {
  // Allocated at the first signal: a run without signals holds only nulls, and typed arrays
  // (off the heap past 64 bytes) cost more to make than their entries save.
  private logprobs = NONE;
  private entropies = NONE;
  private confidences = NONE;
  private present = new Uint8Array(0);
  private count = 0;
  private capacity = 0;

  get length(): number {
    return this.count;
  }

  push(signal: TokenSignal | null | undefined): void {
    const i = this.count++;
    if (!signal) {
      if (i < this.capacity) this.present[i] = 0;
      return;
    }
    if (i >= this.capacity) this.grow(Math.max(64, this.count * 2));
    this.present[i] = 1;
    this.logprobs[i] = signal.logprob;
    this.entropies[i] = signal.entropy;
    this.confidences[i] = signal.confidence;
  }

  /** `count` entries: `signals` when it has one per token, else nulls. */
  pushAll(signals: readonly TokenSignal[] | undefined, count: number): void {
    const given = signals?.length === count ? signals : undefined;
    for (let i = 0; i < count; i++) this.push(given?.[i]);
  }

  /** A new object each call (it dies young); null where the entry is null or past the end. */
  at(index: number): TokenSignal | null {
    if (index < 0 || index >= this.count || index >= this.capacity || this.present[index] === 0) return null;
    return { logprob: this.logprobs[index]!, entropy: this.entropies[index]!, confidence: this.confidences[index]! };
  }

  /** The entries as objects, made at once when a caller wants them (null entries stay null). */
  toSignals(): Array<TokenSignal | null> {
    return Array.from({ length: this.count }, (_, i) => this.at(i));
  }

  /** Drops the last `count` entries. */
  dropLast(count: number): void {
    this.count = Math.max(0, this.count - count);
  }

  copy(): SignalColumns {
    const copy = new SignalColumns();
    copy.count = this.count;
    if (this.capacity > 0) copy.grow(this.capacity, this);
    return copy;
  }

  /** Appends this stretch's values to plain columns (null at null entries). */
  appendTo(columns: { logprob: Array<number | null>; entropy: Array<number | null>; confidence: Array<number | null> }): void {
    for (let i = 0; i < this.count; i++) {
      const present = i < this.capacity && this.present[i] === 1;
      columns.logprob.push(present ? this.logprobs[i]! : null);
      columns.entropy.push(present ? this.entropies[i]! : null);
      columns.confidence.push(present ? this.confidences[i]! : null);
    }
  }

  /** Whether any entry holds a signal. */
  anyPresent(): boolean {
    for (let i = 0; i < this.count && i < this.capacity; i++) if (this.present[i] === 1) return true;
    return false;
  }

  /** Room for `capacity` entries, holding `from`'s (this one's, unless copying). */
  private grow(capacity: number, from: SignalColumns = this): void {
    const kept = Math.min(from.capacity, capacity);
    const grown = (values: Float64Array) => {
      const to = new Float64Array(capacity);
      to.set(values.subarray(0, kept));
      return to;
    };
    this.logprobs = grown(from.logprobs);
    this.entropies = grown(from.entropies);
    this.confidences = grown(from.confidences);
    const present = new Uint8Array(capacity);
    present.set(from.present.subarray(0, kept));
    this.present = present;
    this.capacity = capacity;
  }
}

const NONE = new Float64Array(0);
