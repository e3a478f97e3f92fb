import { describe, expect, it } from 'vitest';
import { LOWEST_TOKEN_LOGPROB, tokenSignalOf } from '../../../main/engine/backend/tokenSignal';

describe('tokenSignalOf', () => {
  it('renormalises over the candidates: full-vocabulary log-probabilities and local probabilities agree', () => {
    // p = 0.5, 0.25, 0.25 over the top 3, given as log-probabilities with some tail mass left out.
    const tail = Math.log(0.8);
    const fromServer = tokenSignalOf(7, [
      { token: 7, logprob: Math.log(0.5) + tail },
      { token: 3, logprob: Math.log(0.25) + tail },
      { token: 9, logprob: Math.log(0.25) + tail },
    ]);
    expect(fromServer.logprob).toBeCloseTo(Math.log(0.5), 12);
    expect(fromServer.entropy).toBeCloseTo(1.5 * Math.log(2), 12);
    // -(ln 0.5 + 2 ln 0.25) / 3 = 5 ln 2 / 3
    expect(fromServer.confidence).toBeCloseTo((5 * Math.log(2)) / 3, 12);
  });

  it('bounds the drawn token by the lowest candidate when it is not among them', () => {
    const signal = tokenSignalOf(1, [
      { token: 2, logprob: Math.log(0.75) },
      { token: 3, logprob: Math.log(0.25) },
    ]);
    expect(signal.logprob).toBeCloseTo(Math.log(0.25), 12);
  });

  it('floors every log-probability at ln 2^-149, float32 smallest positive value', () => {
    expect(LOWEST_TOKEN_LOGPROB).toBeCloseTo(-103.2789, 4);
    // Two likely candidates (1 : e^-2) and two 120 and 400 nats below: both of those count as the floor.
    const near = Math.log(1 + Math.exp(-2));
    const signal = tokenSignalOf(4, [
      { token: 1, logprob: 0 },
      { token: 2, logprob: -2 },
      { token: 3, logprob: -120 },
      { token: 4, logprob: -400 },
    ]);
    expect(signal.logprob).toBeCloseTo(LOWEST_TOKEN_LOGPROB, 12);
    // -(−near − 2 − near + 2 · ln 2^-149) / 4
    expect(signal.confidence).toBeCloseTo((2 * near + 2 - 2 * LOWEST_TOKEN_LOGPROB) / 4, 12);
    const p = 1 / (1 + Math.exp(-2));
    expect(signal.entropy).toBeCloseTo(-(p * Math.log(p) + (1 - p) * Math.log(1 - p)), 12);
  });

  it('gives the exact logits and what a float32 server reports of them the same numbers', () => {
    // A coin (0 and −1.1 logits) with 18 candidates 150 nats down, and 150k tokens outside the K
    // further down still. A float32 server reports log-probabilities over that vocabulary, its
    // underflowed candidates as ln 2^-149; the local backend knows the exact logits up to an offset.
    const logits = [0, -1.1, ...Array<number>(18).fill(-150)];
    const vocabulary = Math.log(1 + Math.exp(-1.1) + 18 * Math.exp(-150) + 150_000 * Math.exp(-160));
    const exact = tokenSignalOf(
      0,
      logits.map((logprob, token) => ({ token, logprob: logprob + 7 })),
    );
    const reported = tokenSignalOf(
      0,
      logits.map((l, token) => ({ token, logprob: Math.max(l - vocabulary, LOWEST_TOKEN_LOGPROB) })),
    );
    const coin = Math.log(1 + Math.exp(-1.1));
    // -(−coin − 1.1 − coin + 18 · ln 2^-149) / 20
    expect(exact.confidence).toBeCloseTo((2 * coin + 1.1 - 18 * LOWEST_TOKEN_LOGPROB) / 20, 12);
    expect(reported.confidence).toBeCloseTo(exact.confidence, 12);
    expect(reported.logprob).toBeCloseTo(exact.logprob, 12);
    expect(reported.entropy).toBeCloseTo(exact.entropy, 12);
  });

  it('refuses an empty candidate list', () => {
    expect(() => tokenSignalOf(1, [])).toThrow(/no candidates/);
  });
});
