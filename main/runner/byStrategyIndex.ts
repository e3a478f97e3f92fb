import type { SampleResult } from '../../common/api/contract/generation';

/**
 * Results placed at their strategy's position in the request; a strategy without a result (cut
 * short by a cancel) leaves a gap, so no result can land under another strategy's run.
 */
export function byStrategyIndex(results: SampleResult[], strategyCount: number): Array<SampleResult | undefined> {
  const placed = new Array<SampleResult | undefined>(strategyCount);
  for (const result of results) {
    if (result.strategyIndex >= strategyCount || placed[result.strategyIndex]) {
      throw new Error(`engine.sample for ${result.key}: unexpected strategy index ${result.strategyIndex}`);
    }
    placed[result.strategyIndex] = result;
  }
  return placed;
}
