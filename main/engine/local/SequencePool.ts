import type { LlamaContext, LlamaModel } from 'node-llama-cpp';
import { LocalSequence } from './LocalSequence';

/**
 * The sequences of one llama.cpp context, handed out one sample at a time. Sequences are kept
 * after use (their KV cache is allocated with the context anyway), and a caller waits when all
 * are busy, so several batches can share a model.
 */
export class SequencePool {
  private readonly idle: LocalSequence[] = [];
  private readonly waiting: Array<(sequence: LocalSequence) => void> = [];

  constructor(
    private readonly context: LlamaContext,
    private readonly model: LlamaModel,
  ) {}

  get size(): number {
    return this.context.totalSequences;
  }

  acquire(signal?: AbortSignal): Promise<LocalSequence> {
    signal?.throwIfAborted();
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.context.sequencesLeft > 0) {
      return Promise.resolve(new LocalSequence(this.context.getSequence(), this.model, (s) => this.release(s)));
    }
    return new Promise((resolve, reject) => {
      const take = (sequence: LocalSequence) => {
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

  private release(sequence: LocalSequence): void {
    const next = this.waiting.shift();
    if (next) next(sequence);
    else this.idle.push(sequence);
  }
}
