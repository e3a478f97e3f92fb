import {
  ApiError,
  requestMessage,
  type RequestMessage,
  type ResponseMessage,
} from '../../common/api/messages';
import { parseOrThrow } from '../../common/api/validate';
import {
  apiMethods,
  isMethodName,
  type MethodName,
  type ParsedParams,
  type Result,
} from '../../common/api/contract';

export type Handler<M extends MethodName> = (params: ParsedParams<M>) => Promise<Result<M>> | Result<M>;
export type Handlers = { [M in MethodName]?: Handler<M> };

/** Relays an already-validated request to another process (the engine) and returns its answer. */
export type Relay = (request: RequestMessage) => Promise<ResponseMessage>;

/**
 * The single entry point of the API on the receiving side of every transport: validates the
 * envelope and the params (errors name the field), then calls the local handler or relays the
 * request to the process that owns the method.
 */
export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly relay?: Relay,
  ) {}

  async handle(raw: unknown): Promise<ResponseMessage> {
    const id = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : -1;
    try {
      const request = parseOrThrow(requestMessage, raw, 'message');
      if (!isMethodName(request.method)) {
        throw new ApiError('unknown-method', `message.method: unknown method "${request.method}"`, 'message.method');
      }
      const spec = apiMethods[request.method];
      const params = parseOrThrow(spec.params, request.params ?? {}, 'params');
      const handler = this.handlers[request.method] as ((p: unknown) => unknown) | undefined;
      if (handler) return { type: 'response', id, result: await handler(params) };
      if (spec.home === 'engine' && this.relay) return await this.relay({ ...request, params });
      throw new ApiError('unavailable', `${request.method} is not served by this process`);
    } catch (error) {
      return { type: 'response', id, error: toApiError(error).toPayload() };
    }
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError('failed', message);
}
