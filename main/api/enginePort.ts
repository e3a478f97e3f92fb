import { ApiError } from '../../common/api/messages';
import type { EnginePort } from '../runner/EnginePort';
import type { HostContext } from './HostContext';

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
