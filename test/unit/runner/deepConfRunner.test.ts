import { describe, expect, it } from 'vitest';
import type { SampleResult } from '../../../common/api/contract/generation';
import type { SampleRecord } from '../../../common/api/contract/runs';
import { strategySettings } from '../../../common/settings/strategy';
import {
  itemsAsGenerated,
  runDeepConf,
  type DeepConfItem,
  type DeepConfUnit,
} from '../../../main/runner/deepConfRunner';
import type { PlannedItem, PlannedRun } from '../../../main/runner/runPlan';

/** Problem A's traces by sample index: [answer, lowest group confidence]. Problem B always answers 42 at 5. */
const A: Array<[string, number]> = [
  ['42', 5],
  ['7', 1],
  ['42', 3],
  ['42', 4],
  ['42', 2],
  ['42', 6],
];

function unit(id: string, keepPercent: number, consensus: number): DeepConfUnit {
  const strategy = strategySettings.parse({ strategy: 'deepconf', warmupTraces: 2, keepPercent, consensus });
  const settings = { strategy, samples: A.length };
  const records: SampleRecord[] = [];
  const files = {
    records: () => records,
    get count() {
      return records.length;
    },
  };
  return { unit: { record: { id, settings }, planned: { settings } }, files } as unknown as DeepConfUnit;
}

const items: PlannedItem[] = ['A', 'B'].flatMap((problemId) =>
  A.map((_, sampleIndex) => ({ key: `${problemId}#${sampleIndex}`, problemId, sampleIndex }) as PlannedItem),
);

/**
 * The engine and the grader, faked (the rounds' bookkeeping is what is tested here; the real
 * engine and store run in test/integration/runner/deepConfRun.test.ts): a trace is stopped when
 * its lowest group confidence is below the item's threshold.
 */
async function run(units: DeepConfUnit[], cancelAfter = Infinity) {
  const requests: string[][] = [];
  const remaining: number[] = [];
  const settled = await runDeepConf({
    units,
    items,
    cancelled: () => requests.length >= cancelAfter,
    onRemaining: (traces) => remaining.push(traces),
    async generate(_batch, _run, batch: DeepConfItem[], onSample) {
      requests.push(
        batch.map(
          (i) => `${i.key}${i.stopBelowConfidence === undefined ? '' : `<${i.stopBelowConfidence.toFixed(6)}`}`,
        ),
      );
      for (const item of batch) {
        const [answer, lowest] = item.problemId === 'A' ? A[item.sampleIndex]! : ['42', 5];
        const stopped = item.stopBelowConfidence !== undefined && lowest < item.stopBelowConfidence;
        const result = { answer, lowest, stopped } as unknown as SampleResult;
        await onSample(item, [result]);
      }
    },
    async store(into, item, results) {
      into.forEach((target, i) => {
        const { answer, lowest, stopped } = results[i] as unknown as {
          answer: string;
          lowest: number;
          stopped: boolean;
        };
        (target.files.records() as SampleRecord[]).push({
          key: item.key,
          problemId: item.problemId,
          sampleIndex: item.sampleIndex,
          answerKey: answer,
          correct: answer === '42',
          lowestGroupConfidence: lowest,
          bottomGroupConfidence: lowest,
          tailConfidence: lowest,
          stopReason: stopped ? 'low-confidence' : 'end-of-generation',
        } as SampleRecord);
      });
    },
  });
  return { requests, settled, remaining };
}

const stored = (u: DeepConfUnit, problemId: string) =>
  u.files
    .records()
    .filter((r) => r.problemId === problemId)
    .map((r) => `${r.sampleIndex}${r.stopReason === 'low-confidence' ? ' stopped' : ''}`);

describe('runDeepConf: rounds over problems, traces shared between runs (fake engine and grader)', () => {
  it('generates each warm-up once for a sweep, and later traces once per distinct threshold', async () => {
    // η = 10: s = 90th percentile of warm-up lowest {5, 1} = 4.6; η = 90: s = 1.4.
    const low = unit('low', 10, 0.9);
    const high = unit('high', 90, 0.9);
    const highStricter = unit('high-0.95', 90, 0.95);
    const { requests, settled, remaining } = await run([low, high, highStricter]);
    // At most still to come, per round: 3 runs × 2 problems × 6 samples; then A's 4 in each run
    // (B settled); 3 each; then η = 90, τ = 0.9 is settled: 2 and 2; 1 and 1; nothing.
    expect(remaining).toEqual([36, 12, 9, 4, 2, 0]);
    expect(requests).toEqual([
      // The warm-up of both problems, once for the three runs.
      ['A#0', 'A#1', 'B#0', 'B#1'],
      // B agrees after its warm-up; A goes on, one trace per threshold (the two η = 90 runs share).
      ['A#2<4.599999'],
      ['A#2<1.399999'],
      ['A#3<4.599999'],
      ['A#3<1.399999'],
      // η = 90, τ = 0.9: 42 holds 12 of 13 after A#3, settled; τ = 0.95 goes on alone.
      ['A#4<4.599999'],
      ['A#4<1.399999'],
      ['A#5<4.599999'],
      ['A#5<1.399999'],
    ]);
    expect(settled).toEqual(new Set(['low', 'high', 'high-0.95']));
    expect(stored(low, 'B')).toEqual(['0', '1']);
    // η = 10 stops A#2-4 (lowest 3, 4, 2 < 4.6); A#5 (6) votes: 42 holds 11 of 12 ≥ 0.9 at the last trace.
    expect(stored(low, 'A')).toEqual(['0', '1', '2 stopped', '3 stopped', '4 stopped', '5']);
    expect(stored(high, 'A')).toEqual(['0', '1', '2', '3']);
    // τ = 0.95: 14 of 15 after A#4, 20 of 21 after A#5.
    expect(stored(highStricter, 'A')).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('resumes a cancelled run from its stored traces to the same traces as an uninterrupted one', async () => {
    const whole = unit('whole', 10, 0.9);
    await run([whole]);
    const resumed = unit('resumed', 10, 0.9);
    const first = await run([resumed], 3);
    expect(first.requests).toHaveLength(3);
    expect(first.settled).toEqual(new Set());
    const rest = await run([resumed]);
    // The warm-up and A#2, A#3 were stored; resuming asks for A#4 and A#5 only.
    expect(rest.requests).toEqual([['A#4<4.599999'], ['A#5<4.599999']]);
    expect(rest.settled).toEqual(new Set(['resumed']));
    expect(stored(resumed, 'A')).toEqual(stored(whole, 'A'));
    expect(stored(resumed, 'B')).toEqual(stored(whole, 'B'));
  });

  it('asks for nothing when every problem is settled (a finished run resumed)', async () => {
    const done = unit('done', 90, 0.5);
    await run([done]);
    const again = await run([done]);
    expect(again.requests).toEqual([]);
    expect(again.settled).toEqual(new Set(['done']));
  });

  it("gives a stored run's items as they were generated: later traces under the threshold its warm-up sets", async () => {
    const low = unit('low', 10, 0.9);
    await run([low]);
    const planned = low.unit.planned as PlannedRun;
    const again = itemsAsGenerated(planned, items, low.files.records());
    // A: warm-up A#0, A#1 in full, the rest under 4.6 (less 1e-6); B's warm-up (5, 5) sets 5.
    expect(
      again.map((i) => `${i.key}${i.stopBelowConfidence === undefined ? '' : `<${i.stopBelowConfidence.toFixed(6)}`}`),
    ).toEqual([
      'A#0',
      'A#1',
      'A#2<4.599999',
      'A#3<4.599999',
      'A#4<4.599999',
      'A#5<4.599999',
      'B#0',
      'B#1',
      'B#2<4.999999',
      'B#3<4.999999',
      'B#4<4.999999',
      'B#5<4.999999',
    ]);
    // Not a deepconf run: the items as they are.
    const plain = {
      settings: { ...planned.settings, strategy: { strategy: 'unbounded', maxTokens: 10 } },
    } as PlannedRun;
    expect(itemsAsGenerated(plain, items, low.files.records())).toEqual(items);
  });
});
