import { z } from 'zod';

/**
 * The wire envelope shared by every transport (Electron IPC, WebSocket, HTTP, and the pipe
 * between a host and its engine process). One shape everywhere, so a message can be relayed
 * from one transport to another without translation.
 */
export const requestMessage = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1),
  params: z.unknown(),
});
export type RequestMessage = z.infer<typeof requestMessage>;

export const apiErrorPayload = z.object({
  /** Stable machine-readable kind: 'invalid-params', 'unknown-method', 'engine-crashed', 'failed' … */
  code: z.string(),
  message: z.string(),
  /** The JSON path of the offending field when the error is about input, e.g. "params.window". */
  path: z.string().optional(),
});
export type ApiErrorPayload = z.infer<typeof apiErrorPayload>;

export const responseMessage = z.union([
  z.object({ type: z.literal('response'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int(), error: apiErrorPayload }),
]);
export type ResponseMessage = z.infer<typeof responseMessage>;

export const eventMessage = z.object({
  type: z.literal('event'),
  event: z.string().min(1),
  data: z.unknown(),
});
export type EventMessage = z.infer<typeof eventMessage>;

export const anyMessage = z.union([requestMessage, responseMessage, eventMessage]);
export type AnyMessage = RequestMessage | ResponseMessage | EventMessage;

/** An error that crosses the API boundary intact (code, message and field path). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toPayload(): ApiErrorPayload {
    return this.path === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, path: this.path };
  }

  static from(payload: ApiErrorPayload): ApiError {
    return new ApiError(payload.code, payload.message, payload.path);
  }
}
