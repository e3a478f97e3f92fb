import { describe, expect, it } from 'vitest';
import { checkTargets, formatTargets } from '../../../bench/targets';

const remoteClient = (lost: number) => ({
  inFlight: { 256: { tokensPerCoreSecond: 110_942.4, samplesLost: 0, samplesDuplicated: 0, tokensWrong: 0 } },
  withSignals: { tokensPerCoreSecond: 40_933, samplesLost: lost, samplesDuplicated: 0, tokensWrong: 0 },
});

describe('the bench targets table', () => {
  it('reads each target of the suites that ran, and only those', () => {
    const rows = checkTargets({
      store: { reopenAndAggregate: { new: { seconds: 0.166 } } },
      'remote-client': remoteClient(0),
    });
    expect(rows).toEqual([
      {
        suite: 'remote-client',
        what: 'tokens per core-second at 256 in flight (none lost)',
        bound: '≥ 100000',
        measured: '110942',
        holds: true,
      },
      {
        suite: 'remote-client',
        what: 'tokens per core-second at 256 in flight, signals K = 20 (none lost)',
        bound: '≥ 100000',
        measured: '40933',
        holds: false,
      },
      {
        suite: 'store',
        what: 'open + aggregate a 100k-sample run (s)',
        bound: '≤ 0.500',
        measured: '0.166',
        holds: true,
      },
    ]);
  });

  it('does not count a fast number whose samples came out wrong', () => {
    const fast = remoteClient(2);
    fast.withSignals.tokensPerCoreSecond = 150_000;
    const row = checkTargets({ 'remote-client': fast })[1]!;
    expect(row.holds).toBe(false);
    expect(row.measured).toBe('150000, but withSignals.samplesLost is 2, not 0');
  });

  it('says "not measured" with the suite\'s reason for a skipped part, never "holds"', () => {
    const rows = checkTargets({
      engine: {
        overhead: 'not measured (Z1WB_ENGINE_BENCH_PARTS)',
        sweep: { speedup: 1.7, ideal: 1.8, identical: true },
        signals: { ratio: 0.94, medianRatio: 1.002, identical: true },
      },
    });
    expect(rows.map((r) => [r.measured, r.holds])).toEqual([
      ['no llamaBench.ratio in the result', null],
      ['no llamaBench.promptRatio in the result', null],
      ['not measured (Z1WB_ENGINE_BENCH_PARTS)', null],
      ['0.944', true],
      ['1.002', true],
    ]);
    expect(formatTargets(rows).split('\n')[2]).toBe(
      'engine  shifted window ÷ bare loop (median of paired rounds)                  ≥ 0.970  not measured (Z1WB_ENGINE_BENCH_PARTS)   not measured',
    );
  });

  it('checks local against llama-server only with every seeded sample identical', () => {
    const remote = {
      sequences: { 4: { ratio: 1.42 }, 8: { ratio: 0.99 } },
      seededIdentical: { compared: 72, identical: 71 },
    };
    expect(checkTargets({ remote }).map((r) => r.holds)).toEqual([false, false]);
    remote.seededIdentical.identical = 72;
    expect(checkTargets({ remote }).map((r) => r.holds)).toEqual([true, true]);
  });
});
