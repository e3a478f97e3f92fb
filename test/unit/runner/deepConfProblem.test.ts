import { describe, expect, it } from 'vitest';
import { strategySettings, type DeepConfSettings } from '../../../common/settings/strategy';
import { deepConfProblemState, traceOfRecord, type DeepConfTrace } from '../../../main/runner/deepConfProblem';

const settings = (input: Record<string, unknown> = {}) =>
  strategySettings.parse({ strategy: 'deepconf', ...input }) as DeepConfSettings;

const trace = (sampleIndex: number, answerKey: string | null, lowest: number, stopped = false): DeepConfTrace => ({
  sampleIndex,
  answerKey,
  correct: answerKey === '42',
  lowest,
  confidence: lowest,
  stopped,
});

describe('deepConfProblemState (DeepConf online, per problem)', () => {
  it("has the paper's defaults", () => {
    expect(settings()).toEqual({
      strategy: 'deepconf',
      keepPercent: 10,
      warmupTraces: 16,
      consensus: 0.95,
      measure: 'lowest',
      maxTokens: 16384,
    });
  });

  it('asks for the whole warm-up first, then one trace at a time', () => {
    const s = settings({ warmupTraces: 4 });
    expect(deepConfProblemState(s, 10, [])).toMatchObject({
      warmup: 4,
      threshold: null,
      next: [0, 1, 2, 3],
      phase: 'warm-up',
    });
    // Resumed with two warm-up traces stored: only the missing ones.
    expect(deepConfProblemState(s, 10, [trace(2, '7', 5), trace(0, '42', 6)]).next).toEqual([1, 3]);
    // Fewer samples than warm-up traces: the warm-up is all of them.
    expect(deepConfProblemState(s, 2, []).next).toEqual([0, 1]);
  });

  it('sets the threshold at the (100 − η)-th percentile of the warm-up lowest group confidences', () => {
    const warm = [trace(0, '7', 10), trace(1, '42', 20), trace(2, '7', 30), trace(3, '42', 40)];
    // η = 10: the 90th percentile of 10, 20, 30, 40 is 37 (rank 2.7); η = 90: the 10th, 13.
    const low = deepConfProblemState(settings({ warmupTraces: 4, keepPercent: 10 }), 10, warm);
    expect(low.threshold).toBeCloseTo(37, 12);
    expect(deepConfProblemState(settings({ warmupTraces: 4, keepPercent: 90 }), 10, warm).threshold).toBeCloseTo(
      13,
      12,
    );
    // Weights 7: 40, 42: 60 → consensus 0.6 < 0.95: the next trace is index 4.
    expect(low).toMatchObject({ next: [4], phase: 'sampling', vote: { answerKey: '42', consensus: 0.6, voters: 4 } });
  });

  it('stops sampling when the weighted consensus reaches τ; stopped traces do not vote', () => {
    const s = settings({ warmupTraces: 2, consensus: 0.75 });
    const traces = [trace(0, '42', 30), trace(1, '7', 20), trace(2, '42', 30)];
    // 42: 60 of 80 = 0.75 ≥ τ after the third trace.
    expect(deepConfProblemState(s, 8, traces)).toMatchObject({
      next: [],
      phase: 'consensus',
      vote: { consensus: 0.75 },
    });
    // The same third trace stopped by the filter: 42: 30 of 50 = 0.6, sampling goes on.
    const stopped = [traces[0]!, traces[1]!, trace(2, '42', 5, true)];
    expect(deepConfProblemState(s, 8, stopped)).toMatchObject({
      next: [3],
      phase: 'sampling',
      vote: { consensus: 0.6 },
    });
    // All traces there: settled without consensus.
    expect(deepConfProblemState(s, 3, stopped)).toMatchObject({ next: [], phase: 'all-traces' });
  });

  it('reaches consensus at the end of the warm-up when the warm-up agrees, but never during it', () => {
    const s = settings({ warmupTraces: 3 });
    expect(deepConfProblemState(s, 8, [trace(0, '42', 1), trace(1, '42', 2)]).phase).toBe('warm-up');
    expect(deepConfProblemState(s, 8, [trace(0, '42', 1), trace(1, '42', 2), trace(2, '42', 3)]).phase).toBe(
      'consensus',
    );
  });

  it('goes on to all traces when nothing can vote (no signals: no confidence)', () => {
    const none = (i: number): DeepConfTrace => ({ ...trace(i, '42', 0), lowest: null, confidence: null });
    const state = deepConfProblemState(settings({ warmupTraces: 1 }), 3, [none(0)]);
    expect(state).toMatchObject({ threshold: null, next: [1], phase: 'sampling', vote: { voters: 0 } });
  });

  it("reads a stored sample's confidences by the vote's measure", () => {
    const record = {
      sampleIndex: 3,
      answerKey: '42',
      correct: true,
      stopReason: 'low-confidence',
      lowestGroupConfidence: 1,
      bottomGroupConfidence: 2,
      tailConfidence: 3,
    } as Parameters<typeof traceOfRecord>[0];
    expect(traceOfRecord(record, 'tail')).toEqual({
      sampleIndex: 3,
      answerKey: '42',
      correct: true,
      lowest: 1,
      confidence: 3,
      stopped: true,
    });
    expect(traceOfRecord(record, 'bottom').confidence).toBe(2);
  });
});
