import { describe, expect, it } from 'vitest';
import { accuracy, accuracyOf, wilsonInterval } from '../../../main/grading/aggregate/accuracy';
import { majorityAtK, majorityVote } from '../../../main/grading/aggregate/majorityVote';
import { meanPassAtK, passAtK } from '../../../main/grading/aggregate/passAtK';

describe('Wilson 95% interval', () => {
  // Reference values from the closed form, evaluated independently in Python.
  it.each([
    [5, 10, 0.236593090512564, 0.7634069094874361],
    [0, 10, 0, 0.2775327998628892],
    [10, 10, 0.7224672001371107, 1],
    [81, 263, 0.2552885198782742, 0.36620957698280004],
    [1, 1, 0.20654931437723745, 1],
  ])('%i of %i → [%f, %f]', (successes, total, lower, upper) => {
    const interval = wilsonInterval(successes, total);
    expect(interval.lower).toBeCloseTo(lower, 12);
    expect(interval.upper).toBeCloseTo(upper, 12);
  });

  it('is [0, 1] with nothing graded and refuses impossible counts', () => {
    expect(accuracy(0, 0)).toEqual({ correct: 0, total: 0, accuracy: null, lower: 0, upper: 1 });
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
  });

  it('summarises graded samples', () => {
    const summary = accuracyOf([{ correct: true }, { correct: false }, { correct: true }, { correct: true }]);
    expect(summary.correct).toBe(3);
    expect(summary.total).toBe(4);
    expect(summary.accuracy).toBe(0.75);
  });
});

describe('unbiased pass@k (Chen et al. 2021)', () => {
  it('matches 1 − C(n−c, k)/C(n, k)', () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 15);
    expect(passAtK(10, 3, 2)).toBeCloseTo(1 - 21 / 45, 15);
    expect(passAtK(10, 3, 8)).toBe(1);
    expect(passAtK(5, 0, 3)).toBe(0);
    expect(passAtK(5, 5, 1)).toBe(1);
    // 1 − comb(187, 10) / comb(200, 10), with Python's exact integers.
    expect(passAtK(200, 13, 10)).toBeCloseTo(0.4975511147306061, 12);
  });
  it('averages over problems and refuses impossible arguments', () => {
    expect(meanPassAtK([{ n: 10, c: 3 }, { n: 10, c: 0 }], 1)).toBeCloseTo(0.15, 15);
    expect(meanPassAtK([], 1)).toBeNull();
    expect(() => passAtK(5, 6, 1)).toThrow(RangeError);
    expect(() => passAtK(5, 1, 6)).toThrow(RangeError);
    expect(() => passAtK(5, 1, 0)).toThrow(RangeError);
  });
});

describe('maj@k', () => {
  const s = (answerKey: string | null, correct: boolean) => ({ answerKey, correct });
  it('takes the most frequent answer among the first k, ties to the earliest', () => {
    const samples = [s('1/2', false), s('3', true), s('3', true), s('1/2', false), s('1/2', false)];
    expect(majorityVote(samples, 3)).toEqual({ answerKey: '3', correct: true, votes: 2, voters: 3 });
    expect(majorityVote(samples)).toEqual({ answerKey: '1/2', correct: false, votes: 3, voters: 5 });
    expect(majorityVote(samples, 4)).toEqual({ answerKey: '1/2', correct: false, votes: 2, voters: 4 });
  });
  it('does not count unparsed samples as votes', () => {
    expect(majorityVote([s(null, false), s(null, false), s('7', true)])).toEqual({ answerKey: '7', correct: true, votes: 1, voters: 1 });
    expect(majorityVote([s(null, false)])).toEqual({ answerKey: null, correct: false, votes: 0, voters: 0 });
  });
  it('averages over problems', () => {
    expect(majorityAtK([[s('a', true), s('a', true), s('b', false)], [s('b', false), s('c', true)]], 3)).toBe(0.5);
    expect(majorityAtK([], 3)).toBeNull();
  });
});
