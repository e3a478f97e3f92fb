import { describe, expect, it } from 'vitest';
import {
  chooseThreads,
  DEFAULT_RECHECK_RULE,
  threadCandidates,
  throughputVerdict,
} from '../../../main/engine/hardware/threads/threadChoice';

describe('choosing a thread count from measurements', () => {
  it('measures every count up to 4, then the quarters of the range', () => {
    expect(threadCandidates(1)).toEqual([1]);
    expect(threadCandidates(2)).toEqual([1, 2]);
    expect(threadCandidates(6)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(threadCandidates(16)).toEqual([1, 2, 3, 4, 8, 12, 16]);
    expect(threadCandidates(0)).toEqual([1]);
  });

  it('takes the fastest, and fewer threads when they are within 3% of it', () => {
    expect(
      chooseThreads([
        { threads: 1, tokensPerSecond: 100 },
        { threads: 2, tokensPerSecond: 4 },
      ]),
    ).toBe(1);
    expect(
      chooseThreads([
        { threads: 1, tokensPerSecond: 170 },
        { threads: 2, tokensPerSecond: 236 },
      ]),
    ).toBe(2);
    expect(
      chooseThreads([
        { threads: 1, tokensPerSecond: 98 },
        { threads: 2, tokensPerSecond: 100 },
      ]),
    ).toBe(1);
    expect(
      chooseThreads([
        { threads: 1, tokensPerSecond: 96 },
        { threads: 2, tokensPerSecond: 100 },
      ]),
    ).toBe(2);
    expect(() => chooseThreads([])).toThrow('chooseThreads: nothing was measured');
  });

  it('re-checks when decode speed stays below half or above 1.5x of the reference, once the window is long enough', () => {
    const rule = DEFAULT_RECHECK_RULE;
    // 16 decodes of 1 token in 3000 ms = 5.33 tok/s.
    expect(throughputVerdict({ tokens: 16, decodes: 16, ms: 2999 }, 100, rule)).toBe('wait');
    expect(throughputVerdict({ tokens: 15, decodes: 15, ms: 3000 }, 100, rule)).toBe('wait');
    expect(throughputVerdict({ tokens: 16, decodes: 16, ms: 3000 }, 100, rule)).toBe('recheck');
    expect(throughputVerdict({ tokens: 150, decodes: 150, ms: 3000 }, 100, rule)).toBe('keep'); // 50 tok/s: exactly half
    expect(throughputVerdict({ tokens: 149, decodes: 149, ms: 3000 }, 100, rule)).toBe('recheck');
    expect(throughputVerdict({ tokens: 450, decodes: 450, ms: 3000 }, 100, rule)).toBe('keep'); // 150: exactly 1.5x
    expect(throughputVerdict({ tokens: 451, decodes: 451, ms: 3000 }, 100, rule)).toBe('recheck');
  });
});
