import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  firstRetryDelayMs,
  isRetryableStatus,
  retryAfterMs,
} from '../../../main/engine/remote/retryPolicy';
import { ServerConnectionError, ServerHttpError } from '../../../main/engine/remote/ServerClient';

describe('retry policy', () => {
  it('backs off exponentially with jitter, up to the cap', () => {
    const policy = { retries: 8, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(0, policy, null, () => 0)).toBe(50);
    expect(backoffDelayMs(0, policy, null, () => 1)).toBe(100);
    expect(backoffDelayMs(3, policy, null, () => 0.5)).toBe(600);
    expect(backoffDelayMs(10, policy, null, () => 1)).toBe(1000);
    const spread = new Set(Array.from({ length: 20 }, () => backoffDelayMs(2, DEFAULT_RETRY_POLICY)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it("follows the server's Retry-After, within reason", () => {
    const policy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(0, policy, 2500)).toBe(2500);
    expect(backoffDelayMs(0, policy, 60_000)).toBe(4000);
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });

  it('repeats rate limits, server errors and timeouts, not client errors', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 422, 501]) expect(isRetryableStatus(status)).toBe(false);
  });

  it('repeats a dropped connection at once the first time (a kept-alive socket the server closed)', () => {
    expect(firstRetryDelayMs(new ServerConnectionError('other side closed', 'u'), 0)).toBe(0);
    expect(firstRetryDelayMs(new ServerConnectionError('other side closed', 'u'), 1)).toBeNull();
    expect(firstRetryDelayMs(new ServerHttpError(503, null, null, 'u'), 0)).toBeNull();
  });
});
