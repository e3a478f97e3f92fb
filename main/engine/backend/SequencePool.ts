/**
 * Up to `size` sequences of a backend, handed out one sample at a time. Sequences are kept after
 * use (a local context allocates their KV cache anyway; a server keeps its slots), and a caller
 * waits when all are busy, so several batches can share a model.
 */
export class SequencePool<S> {
  private readonly idle: S[] = [];
  private readonly waiting: Array<(sequence: S) => void> = [];
  private created = 0;

  constructor(
    readonly size: number,
    private readonly create: (giveBack: (sequence: S) => void) => S,
  ) {}

  acquire(signal?: AbortSignal): Promise<S> {
    signal?.throwIfAborted();
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.created < this.size) {
      this.created += 1;
      return Promise.resolve(this.create((sequence) => this.release(sequence)));
    }
    return new Promise((resolve, reject) => {
      const take = (sequence: S) => {
        signal?.removeEventListener('abort', abandon);
        resolve(sequence);
      };
      const abandon = () => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', abandon, { once: true });
      this.waiting.push(take);
    });
  }

  private release(sequence: S): void {
    const next = this.waiting.shift();
    if (next) next(sequence);
    else this.idle.push(sequence);
  }
}
