import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../../common/api/contract/runs';
import { summarizeColumns, summarizeRun } from '../../../main/store/runSummary';
import { SampleColumns } from '../../../main/store/sampleColumns';
import { sample } from './sampleFactory';

const NOWHERE = { t: [0, 0] as [number, number], s: null };

/** Sample `i` of a run with 4 samples per problem, with an answer and a lowest group confidence. */
function record(i: number, answerKey: string | null, lowest: number | null, stopped = false): SampleRecord {
  const base = sample(i, { samplesPerProblem: 4 }).record;
  return {
    ...base,
    answerKey,
    correct: answerKey === '42',
    outcome: answerKey === '42' ? 'correct' : 'wrong',
    lowestGroupConfidence: lowest,
    stopReason: stopped ? 'low-confidence' : 'end-of-generation',
  };
}

const records = [
  // p0: 42 is confident but in the minority: DeepConf-low and -high pick it, maj@4 does not.
  record(0, '0', 1),
  record(1, '42', 9),
  record(2, '0', 2),
  record(3, '0', 3),
  // p1: the most confident sample was stopped online: it does not vote; 0 wins everywhere.
  record(4, '42', 20, true),
  record(5, '0', 5),
  record(6, '42', 1),
  record(7, null, 8),
];

describe('offline DeepConf in the run summary', () => {
  it('gives the DeepConf-low, -high and weighted vote accuracies, the same from records and from columns', () => {
    const summary = summarizeRun(records, 4);
    // maj@4: p0 wrong (0 ×3), p1 right (42 ×2: maj@k counts the stopped sample).
    expect(summary.majorityAccuracy).toBe(0.5);
    // p0: top 10 % = {42: 9}; top 90 % = 4 samples (⌈3.6⌉): 42 by 9 against 6; all: the same.
    // p1: top 10 % = the stopped sample, which does not vote (no answer: wrong); top 90 % and
    // all: 0 by 5 against 1 (the stopped 42 does not vote, the sample without an answer neither).
    expect(summary.deepconf).toEqual({ low: 0.5, high: 0.5, weighted: 0.5 });

    const columns = new SampleColumns(4);
    for (const r of [...records].reverse()) {
      expect(columns.setRecord(columns.length, r, NOWHERE)).toBe(true);
      columns.length++;
    }
    expect(summarizeColumns(columns, columns.planOrder(), 4)).toStrictEqual(summary);
  });

  it('gives the same votes from columns as from records on random runs (ties, no confidence, no answer, stopped)', () => {
    let x = 12345;
    const random = (n: number) => {
      x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6b43a9b5;
      return ((x >>> 0) % n) >>> 0;
    };
    for (const perProblem of [4, 7]) {
      const run = Array.from({ length: perProblem * 60 }, (_, i): SampleRecord => {
        const base = sample(i, { samplesPerProblem: perProblem }).record;
        const answerKey = random(5) === 0 ? null : String(random(3) === 0 ? 42 : random(4));
        return {
          ...base,
          answerKey,
          correct: answerKey === '42',
          outcome: answerKey === '42' ? 'correct' : 'wrong',
          // Few distinct values, so that ties are common; some samples without any.
          lowestGroupConfidence: random(6) === 0 ? null : random(4) / 2,
          stopReason: random(6) === 0 ? 'low-confidence' : 'end-of-generation',
        };
      });
      const summary = summarizeRun(run, perProblem);
      expect(summary.deepconf).not.toBeNull();
      const columns = new SampleColumns(perProblem);
      for (const r of run) {
        expect(columns.setRecord(columns.length, r, NOWHERE)).toBe(true);
        columns.length++;
      }
      expect(summarizeColumns(columns, columns.planOrder(), perProblem)).toStrictEqual(summary);
    }
  });

  it('is null with one sample per problem or without signal summaries', () => {
    expect(summarizeRun(records, 1).deepconf).toBeNull();
    const none = records.map((r) => ({ ...r, lowestGroupConfidence: null }));
    expect(summarizeRun(none, 4).deepconf).toBeNull();
  });
});
