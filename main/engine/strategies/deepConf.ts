import type { StrategyResult } from '../../../common/api/contract/generation';
import { DEFAULT_GROUP_SIZE } from '../../../common/settings/signals';
import { GroupConfidenceFilter } from './deepConfFilter';
import type { SampleRun } from './SampleRun';
import { stoppedByBudget, thinkWithinWindow } from './thinkWithinWindow';
import type { DeepConfSettings } from './types';

/**
 * One DeepConf trace (Fu et al., arXiv 2508.15260, §3.3; docs/engine.md, "DeepConf"): the model
 * generates as without a window, up to the overall budget. The runner decides everything across
 * traces (warm-up, threshold, consensus: main/runner/deepConfRunner.ts); the engine's part is the
 * online filter. When the item carries a threshold, the trace stops at the first token whose
 * group confidence (the mean confidence of the last `groupSize` generated tokens, the model's
 * signals setting) is below it, with stop reason 'low-confidence'. Warm-up traces carry none
 * and run in full.
 *
 * Token accounting: a stopped trace keeps every token generated up to and including the one
 * that stopped it, and they count in `totalTokens`. A backend that hands out signals only at the
 * end of a generation (none here does) cannot be stopped early: its tokens after the stopping one
 * are erased and counted in `discardedTokens`, so nothing generated goes uncounted.
 */
export async function runDeepConf(settings: DeepConfSettings, run: SampleRun): Promise<StrategyResult> {
  const threshold = run.stopBelowConfidence;
  const filter =
    threshold === null
      ? null
      : new GroupConfidenceFilter(threshold, run.signalSettings?.groupSize ?? DEFAULT_GROUP_SIZE);
  const phase1 = await thinkWithinWindow(run, settings.maxTokens, settings.maxTokens, {
    stopWhen: filter ? (signal) => filter.push(signal.confidence) : undefined,
  });
  if (filter) {
    const discardedTokens = filter.seen > 0 ? 0 : await stopAfterTheFact(run, filter);
    if (filter.stoppedAt !== null && !run.cancelled) {
      return run.result(settings, { cut: false, stopReason: 'low-confidence', discardedTokens });
    }
  }
  if (!phase1.cut) return run.result(settings, { cut: false, stopReason: phase1.stopReason });
  return stoppedByBudget(settings, run);
}

/**
 * For a backend whose signals came only with the finished generation: replays them through the
 * filter and erases the tokens after the one that would have stopped the trace. Returns how many
 * were erased (generated, then discarded).
 */
async function stopAfterTheFact(run: SampleRun, filter: GroupConfidenceFilter): Promise<number> {
  const signals = run.generatedSignals();
  const stopAt = signals.findIndex((signal) => filter.push(signal?.confidence ?? null));
  if (stopAt < 0) return 0;
  const extra = signals.length - stopAt - 1;
  if (extra > 0) await run.retract(extra);
  return extra;
}
