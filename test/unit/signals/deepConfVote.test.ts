import { describe, expect, it } from 'vitest';
import type { SignalSummary } from '../../../common/api/contract/generation';
import {
  confidenceOf,
  deepConfAccuracies,
  deepConfVote,
  keepMostConfident,
  offlineDeepConf,
  percentile,
  stoppingThreshold,
  weightedVote,
  type VotingTrace,
} from '../../../common/signals/deepConfVote';

const trace = (answerKey: string | null, confidence: number | null, correct = answerKey === '42'): VotingTrace => ({
  answerKey,
  confidence,
  correct,
});

// Ten traces of one problem: three confident correct ones, seven less confident wrong ones.
const problem = [
  trace('7', 1),
  trace('42', 9),
  trace('7', 2),
  trace('7', 3),
  trace('42', 8),
  trace('7', 2),
  trace('7', 1),
  trace('42', 10),
  trace('7', 4),
  trace(null, 11),
];

describe('DeepConf voting', () => {
  it('keeps the most confident η % (rounded up, original order, earlier trace wins a tie)', () => {
    expect(keepMostConfident(problem, 10)).toEqual([trace(null, 11)]);
    expect(keepMostConfident(problem, 30)).toEqual([trace('42', 9), trace('42', 10), trace(null, 11)]);
    // 25 % of 10 is 2.5: three traces.
    expect(keepMostConfident(problem, 25).map((t) => t.confidence)).toEqual([9, 10, 11]);
    // Equal confidences (2, 2) at the boundary: the earlier trace is kept.
    const kept = keepMostConfident(problem, 70);
    expect(kept.map((t) => t.confidence)).toEqual([9, 2, 3, 8, 10, 4, 11]);
    expect(kept[1]).toBe(problem[2]);
    // Traces without a confidence are not ranked; at least one is kept.
    expect(keepMostConfident([trace('7', null), trace('42', 5)], 1)).toEqual([trace('42', 5)]);
    expect(keepMostConfident([trace('7', null)], 50)).toEqual([]);
  });

  it('votes weighted by confidence: the majority loses to a more confident minority', () => {
    // Counts: 7 ×6 against 42 ×3; weights: 7 → 13, 42 → 27.
    expect(weightedVote(problem)).toEqual({ answerKey: '42', correct: true, consensus: 27 / 40, voters: 9 });
    expect(deepConfVote(problem, 100)).toEqual(weightedVote(problem));
    // Top 50 %: 11 (no answer), 10, 9, 8, 4 → 42 by 27 against 4.
    expect(deepConfVote(problem, 50)).toEqual({ answerKey: '42', correct: true, consensus: 27 / 31, voters: 4 });
    // Top 10 % holds only the trace without an answer: no vote.
    expect(deepConfVote(problem, 10)).toEqual({ answerKey: null, correct: false, consensus: 0, voters: 0 });
  });

  it('breaks a tie of summed weights in favour of the answer that reached it first', () => {
    expect(weightedVote([trace('7', 2), trace('42', 1), trace('42', 1)])).toEqual({
      answerKey: '7',
      correct: false,
      consensus: 0.5,
      voters: 3,
    });
    // All weights 0 (top-K = 1): nothing wins.
    expect(weightedVote([trace('7', 0), trace('42', 0)]).answerKey).toBeNull();
  });

  it('sets the stopping threshold at the (100 − η)-th percentile of the warm-up confidences, interpolated', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 90)).toBeCloseTo(46, 12);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 90)).toBeNaN();
    const warmup = [10, 20, null, 30, 40, 50];
    expect(stoppingThreshold(warmup, 10)).toBeCloseTo(46, 12); // DeepConf-low: 90th percentile
    expect(stoppingThreshold(warmup, 90)).toBeCloseTo(14, 12); // DeepConf-high: 10th percentile
    expect(stoppingThreshold([null], 10)).toBeNull();
    expect(() => stoppingThreshold(warmup, 0)).toThrow('DeepConf: keepPercent must be in (0, 100], got 0');
    expect(() => percentile([1], 101)).toThrow('DeepConf: percentile must be in [0, 100], got 101');
  });

  it('reads the measure from a signal summary', () => {
    const summary: SignalSummary = {
      tokens: 10,
      topK: 20,
      groupSize: 4,
      meanLogprob: -0.5,
      meanEntropy: 1,
      meanConfidence: 5,
      lowestGroupConfidence: 2,
      bottomGroupConfidence: 3,
      tailConfidence: 4,
    };
    expect(confidenceOf(summary, 'lowest')).toBe(2);
    expect(confidenceOf(summary, 'bottom')).toBe(3);
    expect(confidenceOf(summary, 'tail')).toBe(4);
    expect(confidenceOf(undefined, 'lowest')).toBeNull();
  });

  it('gives the accuracy over problems for each η', () => {
    const second = [trace('42', 1), trace('7', 5), trace('42', 1)];
    expect(deepConfAccuracies([problem, second], { keepPercents: [10, 50, 100], measure: 'lowest' })).toEqual([
      { keepPercent: 10, measure: 'lowest', accuracy: 0, problems: 2 },
      { keepPercent: 50, measure: 'lowest', accuracy: 0.5, problems: 2 },
      { keepPercent: 100, measure: 'lowest', accuracy: 0.5, problems: 2 },
    ]);
    expect(deepConfAccuracies([], { keepPercents: [10], measure: 'tail' })[0]!.accuracy).toBeNull();
  });

  it("gives a run's offline DeepConf-low, -high and weighted vote accuracies, or null without confidences", () => {
    // Problem 1: top 10 % is the trace without an answer (wrong); 90 % and all: 42 wins.
    // Problem 2: top 10 % is 7 (5); top 90 % = 3 traces: 7 by 5 against 2; all: the same.
    const second = [trace('42', 1), trace('7', 5), trace('42', 1)];
    expect(offlineDeepConf([problem, second])).toEqual({ low: 0, high: 0.5, weighted: 0.5 });
    expect(offlineDeepConf([[trace('42', null)]])).toBeNull();
  });
});
