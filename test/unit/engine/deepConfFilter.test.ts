import { describe, expect, it } from 'vitest';
import { summarizeSignals } from '../../../common/signals/summarizeSignals';
import { GroupConfidenceFilter } from '../../../main/engine/strategies/deepConfFilter';

/** Feeds confidences until the filter stops the trace; the index of the stopping token, or null. */
function stopIndex(filter: GroupConfidenceFilter, confidences: ReadonlyArray<number | null>): number | null {
  for (let i = 0; i < confidences.length; i++) if (filter.push(confidences[i]!)) return i;
  return null;
}

describe('GroupConfidenceFilter (DeepConf online)', () => {
  it('stops at the first token whose full window of groupSize tokens has a mean below the threshold', () => {
    // Windows of 3: [9,9,6]=8, [9,6,3]=6, [6,3,3]=4 → below 5 at the 5th token (index 4).
    expect(stopIndex(new GroupConfidenceFilter(5, 3), [9, 9, 6, 3, 3, 9])).toBe(4);
    // Equal to the threshold is not below it.
    expect(stopIndex(new GroupConfidenceFilter(4, 3), [9, 9, 6, 3, 3, 9])).toBeNull();
  });

  it('never judges a partial window, so a trace shorter than the group is never stopped', () => {
    expect(stopIndex(new GroupConfidenceFilter(100, 4), [1, 1, 1])).toBeNull();
    expect(stopIndex(new GroupConfidenceFilter(100, 4), [1, 1, 1, 1])).toBe(3);
  });

  it('skips tokens without a confidence and stays stopped', () => {
    const filter = new GroupConfidenceFilter(5, 2);
    expect(stopIndex(filter, [9, null, 4, null, 5])).toBe(4);
    expect(filter.stoppedAt).toBe(2);
    expect(filter.seen).toBe(3);
    expect(filter.push(100)).toBe(true);
  });

  it('agrees with the summary: a trace it lets through has a lowest group confidence ≥ the threshold', () => {
    const confidences = [0.9, 0.7, 0.8, 0.3, 0.2, 0.6, 0.5];
    const lowest = summarizeSignals(
      { logprob: confidences, entropy: confidences, confidence: confidences },
      { topK: 20, groupSize: 3 },
    ).lowestGroupConfidence!;
    // At exactly the lowest mean nothing stops; just above it, the trace stops at that window.
    expect(stopIndex(new GroupConfidenceFilter(lowest, 3), confidences)).toBeNull();
    expect(stopIndex(new GroupConfidenceFilter(lowest + 1e-12, 3), confidences)).toBe(5);
  });

  it('refuses a threshold or group size that is not a number', () => {
    expect(() => new GroupConfidenceFilter(NaN, 3)).toThrow(
      'DeepConf: the stopping threshold must be a number, got NaN',
    );
    expect(() => new GroupConfidenceFilter(1, 0)).toThrow('DeepConf: the group size must be a whole number ≥ 1, got 0');
  });
});
