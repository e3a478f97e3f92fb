import { describe, expect, it } from 'vitest';
import { summarizeSignals, windowMeans } from '../../../common/signals/summarizeSignals';

describe('summarizeSignals', () => {
  it('averages confidence over sliding windows and reports the lowest, bottom-10% and tail means', () => {
    // Generated tokens 8, 6, 4, 2, 10 with one inserted token (null) in between.
    const confidence = [8, 6, null, 4, 2, 10];
    const summary = summarizeSignals(
      { logprob: [-0.5, -1, null, -1.5, -2, 0], entropy: [1, 2, null, 3, 4, 5], confidence },
      { topK: 5, groupSize: 2 },
    );
    // Windows of 2 over 8, 6, 4, 2, 10: 7, 5, 3, 6.
    expect(summary).toEqual({
      tokens: 5,
      topK: 5,
      groupSize: 2,
      meanLogprob: -1,
      meanEntropy: 3,
      meanConfidence: 6,
      lowestGroupConfidence: 3,
      bottomGroupConfidence: 3,
      tailConfidence: 6,
    });
  });

  it('takes the whole trace as one group when it is shorter than the group size', () => {
    expect(windowMeans([1, 2, 3], 8)).toEqual([2]);
    const summary = summarizeSignals({ logprob: [], entropy: [], confidence: [] }, { topK: 20 });
    expect(summary.lowestGroupConfidence).toBeNull();
    expect(summary.groupSize).toBe(2048);
    expect(summary.tokens).toBe(0);
  });
});
