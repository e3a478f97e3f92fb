import { describe, expect, it } from 'vitest';
import type { ContextThreads } from '../../../main/engine/hardware/threads/contextThreads';
import { ThreadGovernor, type ThreadGovernorOptions } from '../../../main/engine/hardware/threads/ThreadGovernor';

/**
 * The governor's decisions on exact decode times. The native context is replaced by a recorder
 * (a test double: real decodes cannot be given exact times; threadsMeasured.test.ts runs the
 * governor on real llama.cpp).
 */
function recordedContext() {
  let threads = 2;
  let hook: { before(): void; after(tokens: number, ms: number): void } | null = null;
  const sets: number[] = [];
  const context = {
    native: undefined as never,
    get: () => threads,
    set: (n: number) => {
      threads = n;
      sets.push(n);
    },
    hookDecodes: (h: typeof hook) => {
      hook = h;
      return () => (hook = null);
    },
  } satisfies ContextThreads;
  /** One decode of `tokens` tokens taking `ms`; returns the thread count it ran at. */
  const decode = (tokens: number, ms: number) => {
    hook!.before();
    const ranAt = threads;
    hook!.after(tokens, ms);
    return ranAt;
  };
  return { context, decode, sets, threads: () => threads };
}

const rule = { sustainMs: 100, minDecodes: 4, probeDecodes: 2 };

/** The re-check expected after a race of the candidates 1 and 2 at these speeds (tokens/s). */
const raced = (r: { from: number; to: number; speeds: [number, number]; batchTokens: number }) => ({
  at: expect.any(String),
  from: r.from,
  to: r.to,
  measured: r.speeds.map((tokensPerSecond, i) => ({ threads: i + 1, tokensPerSecond })),
  batchTokens: r.batchTokens,
});

/** A governor at 2 of the candidates 1 and 2, expecting 100 tok/s on single tokens, up to 4 sequences. */
const governorOver = (context: ContextThreads, options: Partial<ThreadGovernorOptions> = {}) =>
  new ThreadGovernor({
    threads: context,
    current: 2,
    candidates: [1, 2],
    referenceTokensPerSecond: 100,
    maxDecodeBatch: 4,
    rule,
    ...options,
  });

describe('the thread governor', () => {
  it('keeps the count while single-token decodes stay within [0.5, 1.5]x of the measured speed', () => {
    const { context, decode, sets } = recordedContext();
    const governor = governorOver(context); // 100 tok/s: 10 ms per token
    for (let i = 0; i < 40; i++) expect(decode(1, i % 2 ? 6.7 : 19.9)).toBe(2); // 75 tok/s on average
    expect(governor.history).toEqual([]);
    expect(sets).toEqual([]);
  });

  it('re-checks after a sustained drop, races the candidates on live decodes and keeps the fastest', () => {
    const { context, decode, threads } = recordedContext();
    const governor = governorOver(context);
    // 4 decodes of 1 token at 40 ms: 25 tok/s for 160 ms, below half of 100.
    for (let i = 0; i < 4; i++) expect(decode(1, 40)).toBe(2);
    expect(governor.probing).toBe(true);
    expect([decode(1, 10), decode(1, 10)]).toEqual([1, 1]); // candidate 1: 100 tok/s
    expect([decode(1, 40), decode(1, 40)]).toEqual([2, 2]); // candidate 2: 25 tok/s
    expect(governor.history).toEqual([raced({ from: 2, to: 1, speeds: [100, 25], batchTokens: 1 })]);
    expect(threads()).toBe(1);
    expect(decode(1, 10)).toBe(1);
  });

  it('compares a batch of parallel sequences with batches of its own size, not with one token', () => {
    const { context, decode } = recordedContext();
    const governor = governorOver(context);
    // 4 tokens per 12 ms is 333 tok/s: more than 1.5x the single-token speed, and no re-check —
    // the first window of size 4 (9 decodes, 108 ms) is its reference.
    for (let i = 0; i < 9; i++) decode(4, 12);
    expect(governor.history).toEqual([]);
    // Prompts (batches above the parallel sequences) are not decode speed.
    for (let i = 0; i < 12; i++) decode(64, 500);
    expect(governor.probing).toBe(false);
    // The size-4 speed then falls to 133 tok/s, below half of 333: re-check.
    for (let i = 0; i < 4; i++) decode(4, 30);
    expect(governor.probing).toBe(true);
  });

  it("starts from a reference measured on batches of another size (a re-check's, from the cache), and records the race's size", () => {
    const { context, decode } = recordedContext();
    // 4 tokens per 10 ms.
    const governor = governorOver(context, { referenceTokensPerSecond: 400, referenceBatchTokens: 4 });
    // Single tokens at 100 tok/s have no reference yet: their first window becomes it.
    for (let i = 0; i < 10; i++) decode(1, 10);
    expect(governor.probing).toBe(false);
    // Size 4 at 4 tokens per 40 ms is 100 tok/s, below half of its 400: re-check, no window to learn first.
    for (let i = 0; i < 4; i++) decode(4, 40);
    expect(governor.probing).toBe(true);
    decode(4, 10);
    decode(4, 10); // candidate 1: 400 tok/s
    decode(4, 40);
    decode(4, 40); // candidate 2: 100 tok/s
    expect(governor.history).toEqual([raced({ from: 2, to: 1, speeds: [400, 100], batchTokens: 4 })]);
  });

  it('abandons a re-check when the batches change size mid-race, back to the count in use', () => {
    const { context, decode } = recordedContext();
    const governor = governorOver(context);
    governor.recheck();
    expect(decode(2, 10)).toBe(1);
    expect(decode(1, 10)).toBe(1); // another size: the race is off
    expect(governor.probing).toBe(false);
    expect(decode(1, 10)).toBe(2);
    expect(governor.history).toEqual([]);
  });
});
