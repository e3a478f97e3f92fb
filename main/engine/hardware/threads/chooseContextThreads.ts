import type { Llama, LlamaContext, LlamaModel } from 'node-llama-cpp';
import { contextThreadsOf } from './contextThreads';
import { measureDecodeThreads } from './measureThreads';
import { cachedRecheck, ThreadCache, threadCacheKey } from './threadCache';
import { chooseThreads, threadCandidates, type RecheckRule, type ThreadMeasurement } from './threadChoice';
import { ThreadGovernor, type Recheck } from './ThreadGovernor';

export interface ThreadDecision {
  threads: number;
  source: 'explicit' | 'measured' | 'cache';
  measured: ThreadMeasurement[];
  /** Watches and re-checks an `auto` count while the model generates; null for an explicit one. */
  governor: ThreadGovernor | null;
}

export interface ChooseThreadsRequest {
  /** The model cell's `threads`: a number is used as given. */
  setting: 'auto' | number;
  llama: Llama;
  model: LlamaModel;
  /** Created with the largest count a measurement may choose. */
  context: LlamaContext;
  modelSha256: string;
  maxThreads: number;
  cache: ThreadCache;
  recheck?: Partial<RecheckRule>;
  onRecheck?: (recheck: Recheck) => void;
}

/**
 * The thread count of a newly loaded model's context (docs/models.md, "Threads"): the model
 * cell's explicit count, else the one measured for this model file, machine and build (cached),
 * measured now when there is none; then a governor re-checks it when decode speed changes and
 * keeps what it finds in the cache.
 */
export async function chooseContextThreads(request: ChooseThreadsRequest): Promise<ThreadDecision> {
  if (request.setting !== 'auto') {
    return { threads: request.setting, source: 'explicit', measured: [], governor: null };
  }
  const threads = contextThreadsOf(request.context);
  const candidates = threadCandidates(request.maxThreads);
  const key = threadCacheKey({ modelSha256: request.modelSha256, llama: request.llama });
  const cached = await request.cache.get(key);
  let source: ThreadDecision['source'] = 'cache';
  let measured = cached?.measured ?? [];
  let chosen = cached?.threads ?? 0;
  if (!cached) {
    source = 'measured';
    measured = await measureDecodeThreads(threads, request.model, candidates, {
      contextSize: request.context.contextSize,
    });
    chosen = chooseThreads(measured);
    await request.cache.set(key, { threads: chosen, measured, measuredAt: new Date().toISOString() });
  }
  threads.set(chosen);
  const reference = measured.find((m) => m.threads === chosen)?.tokensPerSecond;
  // One candidate (a 1-core machine) leaves nothing to re-check.
  const governor =
    reference === undefined || candidates.length < 2
      ? null
      : new ThreadGovernor({
          threads,
          current: chosen,
          candidates,
          referenceTokensPerSecond: reference,
          referenceBatchTokens: cached?.batchTokens ?? 1,
          maxDecodeBatch: request.context.totalSequences,
          ...(request.recheck ? { rule: request.recheck } : {}),
          onRecheck: (recheck) => {
            // The next load of this model starts from the count the run found best. A cache that
            // cannot be written only costs that load a re-check of its own.
            request.cache.set(key, cachedRecheck(recheck)).catch(() => undefined);
            request.onRecheck?.(recheck);
          },
        });
  return { threads: chosen, source, measured, governor };
}
