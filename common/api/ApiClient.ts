import { ApiError, type EventMessage, type RequestMessage, type ResponseMessage } from './messages';
import type { EventData, EventName, MethodName, Params, Result } from './contract';

/** Any duplex channel that carries the API envelope: Electron IPC, a WebSocket, a pipe. */
export interface Transport {
  send(message: RequestMessage): void;
  onMessage(listener: (message: ResponseMessage | EventMessage) => void): () => void;
  close?(): void;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** The typed proxy every front end uses: `await client.call('app.info', {})`. */
export class ApiClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly transport: Transport) {
    this.unsubscribe = transport.onMessage((message) => this.receive(message));
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.transport.send({ type: 'request', id, method, params });
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const untyped = listener as (data: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  /** Fails every call still waiting, e.g. when the connection drops. */
  failPending(reason: string): void {
    for (const [id, pending] of this.pending) {
      pending.reject(new ApiError('disconnected', reason));
      this.pending.delete(id);
    }
  }

  close(): void {
    this.failPending('client closed');
    this.unsubscribe();
    this.transport.close?.();
  }

  private receive(message: ResponseMessage | EventMessage): void {
    if (message.type === 'event') {
      for (const listener of this.listeners.get(message.event) ?? []) listener(message.data);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if ('error' in message) pending.reject(ApiError.from(message.error));
    else pending.resolve(message.result);
  }
}
