import { randomBytes } from 'node:crypto';
import type { EventData } from '../../common/api/contract';
import type { JudgeFunction } from '../grading';
import { hashOf } from '../store/cacheKey';
import { JudgeCache } from '../store/judgeCache';
import type { EnginePort } from './EnginePort';
import { judgeModelIdentity } from './judgeModelIdentity';

/** The LLM judges a runner asks, through the engine, with their replies cached in the store. */
export class JudgeClient {
  private readonly cache: JudgeCache;
  /** Replies needed so far: asked of a model, or found in the cache. */
  readonly replies = { asked: 0, cached: 0 };

  constructor(
    private readonly engine: EnginePort,
    private readonly storeDir: string,
  ) {
    this.cache = new JudgeCache(storeDir);
  }

  /**
   * Asks an LLM judge: its model is loaded beside the generating one (the engine keeps both),
   * the reply generated greedily with seed 0, and kept in the store's judge cache by the model's
   * identity (judgeModelIdentity), the prompt, the message and the token limit, so asking again
   * costs nothing: not even a model load.
   */
  readonly ask: JudgeFunction = async (request) => {
    const key = hashOf({
      key: 'judge/1',
      model: await judgeModelIdentity(request.model, this.storeDir),
      prompt: request.prompt,
      message: request.message,
      maxTokens: request.maxTokens,
    });
    const cached = await this.cache.get(key);
    if (cached !== undefined) {
      this.replies.cached++;
      return cached;
    }
    this.replies.asked++;
    const engine = this.engine;
    const loaded = await engine.call('engine.loadModel', { model: request.model });
    const batchId = `judge-${randomBytes(5).toString('hex')}`;
    let reply: string | null = null;
    const unsubscribe = engine.onEvent((message) => {
      const data = message.data as EventData<'engine.sample'>;
      if (message.event === 'engine.sample' && data.batchId === batchId) reply = data.results[0]?.text ?? null;
    });
    try {
      await engine.call('engine.generate', {
        batchId,
        modelId: loaded.modelId,
        prompt: request.prompt,
        strategies: [{ strategy: 'unbounded', maxTokens: request.maxTokens }],
        sampling: { temperature: 0, seed: 0 },
        items: [{ key: 'judge', problemId: 'judge', sampleIndex: 0, message: request.message }],
        streamTokens: false,
      });
    } finally {
      unsubscribe();
    }
    if (reply === null) throw new Error('the judge model gave no reply (its request was cancelled)');
    await this.cache.set(key, reply);
    return reply;
  };
}
