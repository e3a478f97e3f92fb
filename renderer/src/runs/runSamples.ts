import type { ApiClient } from '../../../common/api/ApiClient';
import type { RunRecord, SampleRecord } from '../../../common/api/contract/runs';
import type { FigureSample } from '../figures/figureData';
import type { SignalSummary } from '../../../common/api/contract/generation';
import { strategyWindow } from '../../../common/settings/strategy';
import { confidenceOf, type ConfidenceMeasure } from '../../../common/signals/deepConfVote';

/** Which thinking count a figure shows (both are stored; a figure says which one it plots: docs/engine.md). */
export type ThinkingCount = 'phase1' | 'delimited';

export const COUNT_LABEL: Record<ThinkingCount, string> = {
  phase1: "phase 1, Z1's count",
  delimited: 'before </think>',
};

/** The W of a run on a window axis (null when unbounded). */
export function runWindow(run: RunRecord): number | null {
  return strategyWindow(run.settings.strategy);
}

function modelName(run: RunRecord): string {
  return run.provenance?.model.name ?? run.settings.model.source.split(/[\\/]/).pop() ?? run.settings.model.source;
}

export function toFigureSample(run: RunRecord, sample: SampleRecord, count: ThinkingCount): FigureSample {
  return {
    runId: run.id,
    runLabel: run.label,
    strategy: run.settings.strategy.strategy,
    window: runWindow(run),
    model: modelName(run),
    problemId: sample.problemId,
    sampleKey: sample.key,
    thinkingTokens:
      count === 'delimited' ? (sample.delimitedThinkingTokens ?? sample.phase1Tokens) : sample.phase1Tokens,
    correct: sample.correct,
    cut: sample.cut,
    totalTokens: sample.totalTokens,
    discardedTokens: sample.discardedTokens,
    answerKey: sample.answerKey,
    ...deepConfWeight(run, sample),
  };
}

/**
 * A DeepConf run answers each problem by the vote main/runner/deepConfProblem.ts takes online:
 * every trace the filter did not stop adds its confidence (under the run's measure) to its answer.
 */
function deepConfWeight(run: RunRecord, sample: SampleRecord): { voteWeight?: number } {
  const strategy = run.settings.strategy as { strategy: string; measure?: ConfidenceMeasure };
  if (strategy.strategy !== 'deepconf') return {};
  if (sample.stopReason === 'low-confidence') return { voteWeight: 0 };
  // A record carries the summary's group confidences under the summary's own names.
  const confidence = confidenceOf(sample as unknown as SignalSummary, strategy.measure ?? 'lowest');
  return { voteWeight: confidence ?? 0 };
}

const PAGE = 1000;

/** Every sample of the runs, page by page (the store serves up to 1000 per call). */
export async function loadRunSamples(
  client: ApiClient,
  runs: readonly RunRecord[],
  count: ThinkingCount,
): Promise<FigureSample[]> {
  const all: FigureSample[] = [];
  for (const run of runs) {
    for (let offset = 0; ; offset += PAGE) {
      const page = await client.call('runs.samples', { runId: run.id, offset, limit: PAGE });
      for (const sample of page.samples) all.push(toFigureSample(run, sample, count));
      if (offset + page.samples.length >= page.total || page.samples.length === 0) break;
    }
  }
  return all;
}
