import { describe, expect, it } from 'vitest';
import { tokenSignalOf } from '../../../main/engine/backend/tokenSignal';

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

  it('refuses an empty candidate list', () => {
    expect(() => tokenSignalOf(1, [])).toThrow(/no candidates/);
  });
});
