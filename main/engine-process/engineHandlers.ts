import type { Handlers } from '../messaging/Dispatcher';
import type { EventHub } from '../messaging/EventHub';
import { createGenerationHandlers } from './generationHandlers';
import { createModelHandlers, engineModelRegistry } from './modelHandlers';

/**
 * The API methods answered inside the engine process (`home: 'engine'` in the contract).
 * Model loading and generation live here so that a llama.cpp crash only takes this process down.
 * Each concern contributes its handlers (models, generation) in a file of its own beside this one.
 */
export function createEngineHandlers(events: EventHub): Handlers {
  const startedAt = Date.now();
  const models = engineModelRegistry();
  return {
    'engine.ping': () => ({ pid: process.pid, uptimeMs: Date.now() - startedAt }),
    ...createModelHandlers(models, events),
    ...createGenerationHandlers(models, events),
  };
}
