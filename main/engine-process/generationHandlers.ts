import { GenerationBatch, localBackendFor, type LoadedModels } from '../engine';
import { ApiError } from '../../common/api/messages';
import type { Handlers } from '../messaging/Dispatcher';
import type { EventHub } from '../messaging/EventHub';

/**
 * engine.generate / engine.cancel / engine.renderPrompt, answered in the engine process over the
 * local llama.cpp backend. Each finished item is sent as an `engine.sample` event as soon as it
 * is done; `engine.generate` itself answers when the whole batch is over.
 */
export function createGenerationHandlers(models: LoadedModels, events: EventHub): Handlers {
  const batches = new Map<string, GenerationBatch>();
  return {
    'engine.renderPrompt': async ({ modelId, prompt, message }) => {
      const backend = models.remoteBackend?.(modelId) ?? localBackendFor(models.get(modelId));
      const rendered = await backend.renderPrompt(prompt, message);
      return { text: rendered.text, tokenCount: rendered.tokens.length };
    },

    'engine.generate': async ({ modelId, ...request }) => {
      if (batches.has(request.batchId)) {
        throw new ApiError(
          'invalid-params',
          `params.batchId: batch "${request.batchId}" is already running`,
          'params.batchId',
        );
      }
      // A model on an OpenAI-compatible server gets a view that reads a sweep's phase 1 in one request.
      const backend =
        models.remoteBackend?.(modelId)?.forBatch(request.strategies) ?? localBackendFor(models.get(modelId));
      const batch = new GenerationBatch(backend, request, {
        sample: (data) => events.emit('engine.sample', data),
        token: (data) => events.emit('engine.token', data),
        progress: (data) => events.emit('engine.progress', data),
      });
      batches.set(request.batchId, batch);
      try {
        return await batch.run();
      } finally {
        batches.delete(request.batchId);
      }
    },

    'engine.cancel': ({ batchId, key }) => ({ cancelled: batches.get(batchId)?.cancel(key) ?? false }),
  };
}
