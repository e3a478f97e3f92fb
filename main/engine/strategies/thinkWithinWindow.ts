import type { StrategyResult } from '../../../common/api/contract/generation';
import type { StrategySettings } from '../../../common/settings/strategy';
import type { GenerateOptions, SampleRun, StopReason } from './SampleRun';
import { stopReasonOf } from './SampleRun';

export type Phase1 =
  /** The model ended phase 1 by itself (or it was cancelled): nothing cut it. */
  | { readonly cut: false; readonly stopReason: StopReason }
  /** The window cut the thinking after exactly W tokens. */
  | { readonly cut: true; readonly by: 'window' }
  /** The overall budget ran out first (W ≥ maxTokens): cut, with no budget left for a hint. */
  | { readonly cut: true; readonly by: 'budget' };

/**
 * Phase 1 of a window strategy (Z1, arXiv 2504.00810 §3.2): the model generates at most W new
 * tokens. Before calling it a cut, look at the token the model would generate next: a thinking
 * that ends by itself exactly at token W is not cut. A phase 1 already under way is continued,
 * which is how a sweep extends one thinking from window to window.
 */
export async function thinkWithinWindow(
  run: SampleRun,
  window: number,
  maxTokens: number,
  options: Pick<GenerateOptions, 'stopWhen'> = {},
): Promise<Phase1> {
  const limit = Math.min(window, maxTokens);
  const generated = await run.generate('thinking', {
    maxTokens: limit - run.generatedIn('thinking'),
    peekAfterLimit: true,
    ...options,
  });
  if (generated.end !== 'max-tokens') return { cut: false, stopReason: stopReasonOf(generated.end) };
  if (generated.next?.endsGeneration) return { cut: false, stopReason: 'end-of-generation' };
  return { cut: true, by: window < maxTokens ? 'window' : 'budget' };
}

/** The overall budget ended phase 1: the thinking is cut where the budget put it, nothing follows. */
export function stoppedByBudget(settings: StrategySettings, run: SampleRun): Promise<StrategyResult> {
  return run.result(settings, { cut: true, cutAt: run.generatedIn('thinking'), stopReason: 'max-tokens' });
}
