import type { LlamaModel } from 'node-llama-cpp';
import { median } from '../../../../common/math/average';
import type { ContextThreads } from './contextThreads';
import type { ThreadMeasurement } from './threadChoice';

export interface MeasureOptions {
  /** Timed decodes per thread count (after one untimed one). */
  steps?: number;
  /** The sequence the measurement may use; its cells are erased afterwards. */
  sequenceId?: number;
  /** The context's size per sequence: prompt and decodes stay within half of it. */
  contextSize?: number;
}

/**
 * Decode speed at each thread count, measured on the model itself: a short prompt, then single
 * token decodes with logits (what generation does per token), the median of `steps` per count.
 * Run at load, before any sequence is in use; the sequence's cells are erased afterwards.
 */
export async function measureDecodeThreads(
  threads: ContextThreads,
  model: LlamaModel,
  candidates: readonly number[],
  options: MeasureOptions = {},
): Promise<ThreadMeasurement[]> {
  const steps = options.steps ?? 6;
  const sequenceId = options.sequenceId ?? 0;
  const context = threads.native.context;
  const room = Math.max(2, Math.floor((options.contextSize ?? 512) / 2) - steps - 1);
  const text = model.tokenize('Thread count check: how fast does this machine decode?').map(Number);
  const prompt = Uint32Array.from(text.length > 0 ? text.slice(0, room) : [0]);
  const token = Uint32Array.of(prompt[prompt.length - 1] ?? 0);
  const lastLogit = Uint32Array.of(0);
  const handle = threads.native.preventDisposal();
  const before = threads.get();
  try {
    context.initBatch(prompt.length);
    context.addToBatch(sequenceId, 0, prompt, Uint32Array.of(prompt.length - 1));
    await context.decodeBatch();
    const measured: ThreadMeasurement[] = [];
    let best = 0;
    for (const count of candidates) {
      threads.set(count);
      const times: number[] = [];
      for (let step = 0; step <= steps; step++) {
        context.initBatch(1);
        context.addToBatch(sequenceId, prompt.length + step, token, lastLogit);
        const started = performance.now();
        await context.decodeBatch();
        if (step > 0) times.push(performance.now() - started);
        // A count already at a third of the best cannot win: under load a spinning thread can
        // make each decode take a second, and the measurement must not.
        if (times.length >= 2 && 1000 / median(times) < best / 3) break;
      }
      best = Math.max(best, 1000 / median(times));
      context.removeTokenCellsFromSequence(sequenceId, prompt.length, -1);
      measured.push({ threads: count, tokensPerSecond: 1000 / median(times) });
    }
    return measured;
  } finally {
    context.removeTokenCellsFromSequence(sequenceId, 0, -1);
    threads.set(before);
    handle.dispose();
  }
}
