import { mean } from '../../../common/math/average';
import type { GenerateResult } from '../backend/GenerationBackend';
import type { EarlyExitSettings } from './types';

/**
 * A trial answer's score from its tokens' signals: their mean probability (DEER's default
 * "avg1"; its code reads the drawn token's probability, the max-probability under greedy
 * decoding) or their mean log-probability (the log of DEER's geometric mean "avg2"). Both use
 * the log-probabilities renormalised over the top K (main/engine/backend/tokenSignal.ts). A trial
 * answer without tokens scores 0 (it never exits).
 */
export function scoreTrialAnswer(trial: GenerateResult, score: EarlyExitSettings['score']): number {
  if (trial.tokens.length === 0) return 0;
  const signals = trial.signals;
  if (!signals || signals.length !== trial.tokens.length) {
    throw new Error('early exit needs the log-probabilities of the trial answer, and the backend returned none');
  }
  return mean(signals.map((s) => (score === 'mean-probability' ? Math.exp(s.logprob) : s.logprob)));
}
