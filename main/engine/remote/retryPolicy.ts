/**
 * When and how long to wait before repeating a request to an inference server.
 *
 * Every request the remote backend sends is idempotent (a completion has no side effects on the
 * server, and the sequence keeps only the tokens it has received), so any request may be
 * repeated. Waits grow exponentially with "equal jitter" (half fixed, half random): many
 * sequences that failed together (a server restart) do not come back in lockstep.
 */
export interface RetryPolicy {
  /** Repeats after the first attempt; 0 never repeats. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 8, baseDelayMs: 250, maxDelayMs: 8000 };

/** The wait before repeat number `attempt` (0-based), or the server's Retry-After when it gave one. */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== null && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.maxDelayMs * 4);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * A dropped connection is repeated at once the first time: it is usually a kept-alive socket the
 * server had just closed (a race every HTTP client meets), not a server in trouble. Null: back off.
 */
export function firstRetryDelayMs(error: unknown, attempt: number): number | null {
  return attempt === 0 && error instanceof Error && error.name === 'ServerConnectionError' ? 0 : null;
}

/**
 * HTTP statuses worth repeating: 408 (timeout), 409 (llama-server's "slot busy" in some builds),
 * 429 (rate limit, or a queue that is full), and 5xx but 501 (not implemented will not change).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Waits, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
