import { ApiError, type EventMessage } from '../../common/api/messages';
import type { MethodName, Params, Result } from '../../common/api/contract';
import type { HostContext } from '../api/HostContext';

/**
 * What the runner needs of the engine: calls answered by the engine process and its event
 * stream. The host implements it over the EngineSupervisor; tests can stand in a fake.
 */
export interface EnginePort {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}

let nextRequestId = 1;

/** The engine as a host sees it: requests relayed through the supervisor, events from the hub. */
export function engineOfHost(ctx: Pick<HostContext, 'engine' | 'events'>): EnginePort {
  return {
    async call(method, params) {
      const response = await ctx.engine.relay({ type: 'request', id: nextRequestId++, method, params });
      if ('error' in response) throw ApiError.from(response.error);
      return response.result as never;
    },
    onEvent: (listener) => ctx.events.subscribe(listener),
  };
}
