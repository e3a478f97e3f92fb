import type { z } from 'zod';
import { ApiError } from '../../../common/api/messages';
import { remoteError } from './remoteErrors';
import { backoffDelayMs, firstRetryDelayMs, isRetryableStatus, retryAfterMs, sleep, type RetryPolicy } from './retryPolicy';
import { undiciTransport, type HttpAnswer, type HttpTransport } from './httpTransport';
import type { ServerAddress } from './serverAddress';
import { errorMessageOf, parseServerJson } from './serverResponses';
import { readJsonPayload, serverSentEvents, type PayloadReader } from './serverSentEvents';

/** The server answered with an HTTP error. */
export class ServerHttpError extends Error {
  constructor(
    readonly status: number,
    readonly serverMessage: string | null,
    readonly retryAfterMs: number | null,
    readonly url: string,
  ) {
    super(`HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}`);
    this.name = 'ServerHttpError';
  }
}

/** The connection failed or dropped (refused, reset, closed mid-stream, or silent past the timeout). */
export class ServerConnectionError extends Error {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'ServerConnectionError';
  }
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof ServerConnectionError) return true;
  return error instanceof ServerHttpError && isRetryableStatus(error.status);
}

export interface ServerClientOptions {
  readonly address: ServerAddress;
  /** Sent as `Authorization: Bearer …`; never logged, never put in an error message. */
  readonly apiKey: string | null;
  /** Where the key came from, for the message when the server refuses it. */
  readonly apiKeySource: string;
  readonly retry: RetryPolicy;
  /** A request that receives nothing for this long is abandoned (and, being idempotent, repeated). */
  readonly idleTimeoutMs: number;
  /** Wraps the default (undiciTransport) in tests that count or break requests. */
  readonly transport?: HttpTransport;
}

/**
 * HTTP to one OpenAI-compatible server: JSON requests repeated with backoff on 429, 5xx and
 * dropped connections; streamed completions as server-sent events (one attempt each: the
 * caller resumes a stream from the tokens it already has, see CompletionStream).
 */
export class ServerClient {
  readonly address: ServerAddress;
  private readonly transport: HttpTransport;

  constructor(private readonly options: ServerClientOptions) {
    this.address = options.address;
    this.transport = options.transport ?? undiciTransport;
  }

  get retry(): RetryPolicy {
    return this.options.retry;
  }

  /** A URL under the API base (`/models`, `/completions`) or, with `root`, beside it (`/tokenize`). */
  url(path: string, root = false): string {
    return `${root ? this.address.rootUrl : this.address.baseUrl}${path}`;
  }

  /** GET or POST JSON, repeated on transient failures, parsed with `schema`. */
  async json<T extends z.ZodType>(
    path: string,
    schema: T,
    options: { root?: boolean; body?: unknown; signal?: AbortSignal; retry?: RetryPolicy } = {},
  ): Promise<z.infer<T>> {
    const url = this.url(path, options.root);
    const retry = options.retry ?? this.options.retry;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await this.send(url, options.body, options.signal);
        const text = await this.readText(response, url, options.signal);
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          throw remoteError('remote-bad-response', `${url} answered with something other than JSON: "${text.slice(0, 120)}"`);
        }
        return parseServerJson(schema, value, url);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (!isRetryable(error) || attempt >= retry.retries) throw this.explain(error, attempt + 1);
        const wait =
          firstRetryDelayMs(error, attempt) ?? backoffDelayMs(attempt, retry, error instanceof ServerHttpError ? error.retryAfterMs : null);
        await sleep(wait, options.signal);
      }
    }
  }

  /**
   * One streamed POST: yields the JSON payloads of the events, a batch per chunk received.
   * Throws ServerHttpError / ServerConnectionError for the caller to retry or resume (after
   * yielding the events before the failure); aborting `signal` closes the connection, which
   * makes llama-server and vLLM stop generating. `read` reads an event's JSON from its bytes
   * (JSON.parse, or one that gives the same value faster for the events it knows).
   */
  async *stream(
    path: string,
    body: unknown,
    signal: AbortSignal,
    read: PayloadReader = readJsonPayload,
  ): AsyncGenerator<unknown[]> {
    const url = this.url(path);
    const idle = new IdleTimer(this.options.idleTimeoutMs);
    const combined = AbortSignal.any([signal, idle.signal]);
    try {
      const response = await this.send(url, body, combined);
      idle.touch();
      try {
        for await (const values of serverSentEvents(withIdle(response.body, idle), namingFailures(read, url))) {
          const failed = values.findIndex((value) => streamedError(value, url) !== null);
          if (failed < 0) {
            yield values;
            continue;
          }
          if (failed > 0) yield values.slice(0, failed);
          throw streamedError(values[failed], url);
        }
      } catch (error) {
        throw this.asConnectionError(error, url, signal, idle);
      }
    } finally {
      idle.stop();
    }
  }

  /** The ApiError a failure ends in once it is not retried any more. */
  explain(error: unknown, attempts: number): Error {
    if (error instanceof ServerHttpError) {
      if (error.status === 401 || error.status === 403) {
        return remoteError(
          'remote-auth-failed',
          this.options.apiKey === null
            ? `the server at ${this.address.baseUrl} requires an API key (HTTP ${error.status}: ${error.serverMessage ?? 'unauthorized'}); set ${this.options.apiKeySource}`
            : `the server at ${this.address.baseUrl} refused the API key from ${this.options.apiKeySource} (HTTP ${error.status}: ${error.serverMessage ?? 'unauthorized'})`,
        );
      }
      if (error.status === 404) {
        return remoteError(
          'remote-bad-response',
          `${error.url} answered 404 (${error.serverMessage ?? 'not found'}): is this an OpenAI-compatible server, and does the URL end in the API base (usually /v1)?`,
        );
      }
      const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
      return remoteError('remote-request-failed', `${error.url} failed with HTTP ${error.status}${tries}: ${error.serverMessage ?? 'no message'}`);
    }
    if (error instanceof ServerConnectionError) {
      return remoteError(
        'remote-unreachable',
        `cannot reach the server at ${this.address.baseUrl}: ${error.message}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`,
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  private async send(url: string, body: unknown, signal: AbortSignal | undefined): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept: body === undefined ? 'application/json' : 'application/json, text/event-stream' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey !== null) headers.authorization = `Bearer ${this.options.apiKey}`;
    let response: HttpAnswer;
    try {
      response = await this.transport(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted && !(signal.reason instanceof IdleTimeout)) throw signal.reason;
      throw new ServerConnectionError(networkReason(error), url);
    }
    if (response.status < 200 || response.status > 299) {
      const text = await response.text().catch(() => '');
      let message: string | null = null;
      try {
        message = errorMessageOf(JSON.parse(text));
      } catch {
        message = text.trim().slice(0, 200) || null;
      }
      throw new ServerHttpError(response.status, message, retryAfterMs(response.header('retry-after')), url);
    }
    return response;
  }

  private async readText(response: HttpAnswer, url: string, signal: AbortSignal | undefined): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new ServerConnectionError(networkReason(error), url);
    }
  }

  private asConnectionError(error: unknown, url: string, signal: AbortSignal, idle: IdleTimer): unknown {
    if (error instanceof ServerHttpError || error instanceof ServerConnectionError) return error;
    if (signal.aborted) return signal.reason;
    if (idle.signal.aborted) {
      return new ServerConnectionError(`no data for ${Math.round(this.options.idleTimeoutMs / 1000)} s`, url);
    }
    if (error instanceof ApiError) return error;
    return new ServerConnectionError(networkReason(error), url);
  }
}

/** `read`, naming an event that is not JSON. */
function namingFailures(read: PayloadReader, url: string): PayloadReader {
  return (bytes, start, end) => {
    try {
      return read(bytes, start, end);
    } catch {
      const payload = bytes.toString('utf8', start, end);
      throw remoteError('remote-bad-response', `${url} streamed something other than JSON: "${payload.slice(0, 120)}"`);
    }
  };
}

/** An event that reports a failure (`{"error": …}`) as the HTTP error it stands for; null for any other. */
function streamedError(value: unknown, url: string): ServerHttpError | null {
  if (typeof value !== 'object' || value === null || !('error' in value)) return null;
  const message = errorMessageOf(value);
  if (message === null) return null;
  const code = (value as { error?: { code?: unknown } }).error?.code;
  return new ServerHttpError(typeof code === 'number' ? code : 500, message, null, url);
}

/**
 * Why a request failed, from undici's error or the one it wraps ("connect ECONNREFUSED
 * 127.0.0.1:9", "other side closed (UND_ERR_SOCKET)").
 */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const wrapped = (error as Error & { cause?: unknown }).cause;
  const reason = wrapped instanceof Error ? wrapped : error;
  const code = (reason as Error & { code?: string }).code;
  return code && !reason.message.includes(code) ? `${reason.message} (${code})` : reason.message;
}

class IdleTimeout extends Error {
  constructor() {
    super('idle timeout');
  }
}

/** Aborts when nothing arrived for `ms`; `touch` on every chunk. */
class IdleTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(private readonly ms: number) {
    this.timer = setTimeout(() => this.controller.abort(new IdleTimeout()), ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

async function* withIdle(body: AsyncIterable<Uint8Array>, idle: IdleTimer): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    idle.touch();
    yield chunk;
  }
}
