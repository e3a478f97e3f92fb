import type { StrategyResult } from '../../../common/api/contract/generation';
import type { StrategySettings } from '../../../common/settings/strategy';
import { runBudgetForcing } from './budgetForcing';
import { runDeepConf } from './deepConf';
import { runEarlyExit } from './earlyExit';
import { runHardCut } from './hardCut';
import type { SampleRun } from './SampleRun';
import { runShiftedWindow } from './shiftedWindow';
import { runUnbounded } from './unbounded';

/** Runs one strategy on a sample whose sequence holds its prompt. */
export function runStrategy(settings: StrategySettings, run: SampleRun): Promise<StrategyResult> {
  switch (settings.strategy) {
    case 'shifted-window':
      return runShiftedWindow(settings, run);
    case 'budget-forcing':
      return runBudgetForcing(settings, run);
    case 'hard-cut':
      return runHardCut(settings, run);
    case 'unbounded':
      return runUnbounded(settings, run);
    case 'deepconf':
      return runDeepConf(settings, run);
    case 'early-exit':
      return runEarlyExit(settings, run);
  }
}
