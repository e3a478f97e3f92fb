import type { LlamaContext } from 'node-llama-cpp';

/** The native context of node-llama-cpp 3.21 (private): the method every token is sampled by. */
interface NativeContext {
  sampleToken: (...args: unknown[]) => Promise<unknown>;
}

const serialized = new WeakSet<object>();

/**
 * Makes the sampling of one context take one token at a time.
 *
 * Why: llama.cpp applies a batch's output reordering lazily and in place, on the first access to
 * the logits (`llama_context::output_reorder`, called by `get_logits_ith`). node-llama-cpp samples
 * each sequence of a batch in a worker thread of its own, so with several sequences those first
 * accesses race, rows get swapped twice, and a sequence can sample from another sequence's
 * logits. Seen with 4 sequences on the oracle model as tokens of the wrong chain in about 1 of 250
 * samples (test/integration/engine/parallelAndCancel.test.ts). Sampling is microseconds to a
 * millisecond against a decode's milliseconds, so queueing it costs little.
 */
export function serializeSampling(context: LlamaContext): void {
  const native = (context as unknown as { _ctx?: NativeContext })._ctx;
  if (!native || typeof native.sampleToken !== 'function') {
    throw new Error(
      'node-llama-cpp changed: LlamaContext._ctx.sampleToken is gone (see main/engine/local/serializeSampling.ts)',
    );
  }
  if (serialized.has(native)) return;
  serialized.add(native);
  const sampleToken = native.sampleToken.bind(native);
  let queue: Promise<unknown> = Promise.resolve();
  // The addon's methods are read-only on its prototype: shadow the method on the instance.
  Object.defineProperty(native, 'sampleToken', {
    configurable: true,
    value: (...args: unknown[]) => {
      const sampled = queue.then(() => sampleToken(...args));
      queue = sampled.catch(() => undefined);
      return sampled;
    },
  });
}
