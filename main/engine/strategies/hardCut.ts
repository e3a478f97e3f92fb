import type { StrategyResult } from '../../../common/api/contract/generation';
import type { SampleRun } from './SampleRun';
import { thinkWithinWindow } from './thinkWithinWindow';
import type { HardCutSettings } from './types';

/**
 * Hard cut: generation stops after W tokens with no hint. The control that shows what Z1's hint
 * buys (same phase 1 as the shifted window, nothing after the cut).
 */
export async function runHardCut(settings: HardCutSettings, run: SampleRun): Promise<StrategyResult> {
  const phase1 = await thinkWithinWindow(run, settings.window, settings.maxTokens);
  if (!phase1.cut) return run.result(settings, { cut: false, stopReason: phase1.stopReason });
  return stopAtCut(settings, run);
}

/** After the cut there is nothing to generate: the sample ends where the window put it. */
export async function stopAtCut(settings: HardCutSettings, run: SampleRun): Promise<StrategyResult> {
  return run.result(settings, { cut: true, cutAt: run.generatedIn('thinking'), stopReason: 'max-tokens' });
}
