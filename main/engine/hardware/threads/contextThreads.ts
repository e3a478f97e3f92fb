import type { LlamaContext } from 'node-llama-cpp';
import { nativeContextOf, type NativeAccess } from '../../local/nativeContext';

/**
 * The thread count of a live llama.cpp context (`llama_set_n_threads` through the addon's
 * `setThreads`/`getThreads`, node-llama-cpp 3.21's private `AddonContext`), and a hook around its
 * decodes. The engine decodes through the native context directly (local/ContextDecoder.ts), so
 * the native `decodeBatch` is the one place every decode of a context passes through: the hook
 * is installed on that object (an own property shadowing the addon's method), which is how the
 * thread governor sees decode speed without a change to the decode loop.
 */
interface ThreadMethods {
  getThreads(): number;
  setThreads(threads: number): void;
}

export interface ContextThreads {
  readonly native: NativeAccess;
  get(): number;
  set(threads: number): void;
  /**
   * Calls `before()` ahead of every decode and `after(batchTokens, ms)` when it resolves;
   * returns the function that removes the hook.
   */
  hookDecodes(hook: { before(): void; after(batchTokens: number, ms: number): void }): () => void;
}

export function contextThreadsOf(context: LlamaContext): ContextThreads {
  const native = nativeContextOf(context);
  const methods = native.context as unknown as Partial<ThreadMethods>;
  if (typeof methods.getThreads !== 'function' || typeof methods.setThreads !== 'function') {
    throw new Error(
      'node-llama-cpp changed: LlamaContext._ctx.getThreads/setThreads are gone (main/engine/hardware/threads/contextThreads.ts)',
    );
  }
  const target = native.context as unknown as Record<string, unknown>;
  return {
    native,
    get: () => methods.getThreads!.call(native.context),
    set: (threads) => methods.setThreads!.call(native.context, threads),
    hookDecodes(hook) {
      const initBatch = native.context.initBatch;
      const decodeBatch = native.context.decodeBatch;
      let batchTokens = 0;
      Object.defineProperty(target, 'initBatch', {
        configurable: true,
        value(size: number) {
          batchTokens = size;
          return initBatch.call(native.context, size);
        },
      });
      Object.defineProperty(target, 'decodeBatch', {
        configurable: true,
        async value() {
          hook.before();
          const tokens = batchTokens;
          const started = performance.now();
          await decodeBatch.call(native.context);
          hook.after(tokens, performance.now() - started);
        },
      });
      return () => {
        delete target.initBatch;
        delete target.decodeBatch;
      };
    },
  };
}
