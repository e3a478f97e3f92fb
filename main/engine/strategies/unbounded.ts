import type { StrategyResult } from '../../../common/api/contract/generation';
import type { SampleRun } from './SampleRun';
import { stoppedByBudget, thinkWithinWindow } from './thinkWithinWindow';
import type { UnboundedSettings } from './types';

/**
 * No window: the model generates until it stops by itself or the overall budget runs out (the
 * baseline). A generation the budget stops counts as cut, like a window at W = maxTokens; one
 * that ends by itself exactly at the budget does not.
 */
export async function runUnbounded(settings: UnboundedSettings, run: SampleRun): Promise<StrategyResult> {
  const phase1 = await thinkWithinWindow(run, settings.maxTokens, settings.maxTokens);
  if (!phase1.cut) return run.result(settings, { cut: false, stopReason: phase1.stopReason });
  return stoppedByBudget(settings, run);
}
