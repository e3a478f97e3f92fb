import type { SampleRun, StopReason } from './SampleRun';
import { stopReasonOf } from './SampleRun';

export type Phase1 =
  /** The window cut the thinking after exactly W tokens. */
  | { readonly cut: true }
  /** Phase 1 ended without a cut: the model stopped by itself, the overall budget ran out, or it was cancelled. */
  | { readonly cut: false; readonly stopReason: StopReason };

/**
 * Phase 1 of a window strategy (Z1, arXiv 2504.00810 §3.2): the model generates at most W new
 * tokens. Before calling it a cut, look at the token the model would generate next: a thinking
 * that ends by itself exactly at token W is not cut. A phase 1 already under way is continued,
 * which is how a sweep extends one thinking from window to window.
 */
export async function thinkWithinWindow(run: SampleRun, window: number, maxTokens: number): Promise<Phase1> {
  const limit = Math.min(window, maxTokens);
  const generated = await run.generate('thinking', {
    maxTokens: limit - run.generatedIn('thinking'),
    peekAfterLimit: true,
  });
  if (generated.end !== 'max-tokens') return { cut: false, stopReason: stopReasonOf(generated.end) };
  if (generated.next?.endsGeneration) return { cut: false, stopReason: 'end-of-generation' };
  // A window at or beyond the overall budget never cuts: the budget ends the sample first.
  if (window >= maxTokens) return { cut: false, stopReason: 'max-tokens' };
  return { cut: true };
}
