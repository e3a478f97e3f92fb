import type { StrategyResult } from '../../../common/api/contract/generation';
import type { SampleRun } from './SampleRun';
import { stoppedByBudget, thinkWithinWindow } from './thinkWithinWindow';
import type { ShiftedWindowSettings } from './types';

/**
 * Z1's shifted thinking window (arXiv 2504.00810, §3.2; Z1's `thinking_generate`):
 * 1. phase 1 generates at most W tokens;
 * 2. if the model stopped by itself, the sample is done;
 * 3. otherwise the hint ("…I overthought it, the final answer should be:") is appended and the
 *    answer generated, within the answer budget and the overall budget.
 * The thinking tokens of the sample are the phase-1 tokens (at most W).
 */
export async function runShiftedWindow(settings: ShiftedWindowSettings, run: SampleRun): Promise<StrategyResult> {
  const phase1 = await thinkWithinWindow(run, settings.window, settings.maxTokens);
  if (!phase1.cut) return run.result(settings, { cut: false, stopReason: phase1.stopReason });
  if (phase1.by === 'budget') return stoppedByBudget(settings, run);
  return answerAfterHint(settings, run);
}

/** Phase 2, once the window has cut the thinking: the hint, then the answer. */
export async function answerAfterHint(settings: ShiftedWindowSettings, run: SampleRun): Promise<StrategyResult> {
  const cutAt = run.generatedIn('thinking');
  await run.insert('hint', settings.hint);
  const budget = Math.min(settings.answerBudget, settings.maxTokens - run.tokensAfterPrompt);
  await run.generate('answer', { maxTokens: budget });
  return run.result(settings, { cut: true, cutAt });
}
