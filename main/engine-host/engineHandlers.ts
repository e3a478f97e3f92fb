import type { Handlers } from '../api/Dispatcher';
import type { EventHub } from '../api/EventHub';
import { createModelHandlers, engineModelRegistry } from './modelHandlers';

/**
 * The API methods answered inside the engine process (`home: 'engine'` in the contract).
 * Model loading and generation live here so that a llama.cpp crash only takes this process down.
 * Each concern contributes its handlers (models, generation) in a file of its own beside this one.
 */
export function createEngineHandlers(_events: EventHub): Handlers {
  const startedAt = Date.now();
  return {
    'engine.ping': () => ({ pid: process.pid, uptimeMs: Date.now() - startedAt }),
    ...createModelHandlers(engineModelRegistry(), _events),
  };
}
