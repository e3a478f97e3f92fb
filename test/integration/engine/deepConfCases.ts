/**
 * DeepConf's online filter as the local and the remote engine tests check it, on the stochastic
 * fixture model (docs/fixtures.md, "Confidence of the stochastic model"): q01's traces drawn at
 * temperature 1, whose token confidences are known from the model's tables, so the test states
 * which traces a threshold stops and at which token.
 */
import { expect } from 'vitest';
import type { SampleResult } from '../../../common/api/contract/generation';
import { windowMeans } from '../../../common/signals/summarizeSignals';
import type { GenerationRequest } from '../../../main/engine/generation/GenerationBatch';
import { GroupConfidenceFilter } from '../../../main/engine/strategies/deepConfFilter';
import { stochasticConfidences } from '../../../main/fixtures/stochasticConfidence';
import { stochasticLoopTokens, stochasticProblems } from '../../../main/fixtures/stochasticSpec';
import { comparable, generationRequest } from './localEngine';
import { promptFor } from './oracleCases';

const GROUP = 4;
const TOP_K = 20;
const q01 = stochasticProblems[0]!; // 3 fixed steps, then a loop that stops with p = 1/4
const items = Array.from({ length: 16 }, (_, i) => ({
  key: `q01#${i}`,
  problemId: q01.id,
  sampleIndex: i,
  message: q01.problem,
}));

/** The deepconf request for q01's 16 traces, with a threshold on every item or none (warm-up). */
export function deepConfRequest(stopBelowConfidence?: number): GenerationRequest {
  return generationRequest({
    prompt: promptFor('plain'),
    strategies: [{ strategy: 'deepconf', maxTokens: 64 }],
    sampling: { temperature: 1, seed: 11, topK: 40, topP: 1, minP: 0 },
    signals: { mode: 'record', topK: TOP_K, groupSize: GROUP },
    items: items.map((item) => (stopBelowConfidence === undefined ? item : { ...item, stopBelowConfidence })),
  });
}

const tokensOf = (result: SampleResult) => result.segments.flatMap((s) => s.tokens);
const loopsOf = (result: SampleResult) => result.text.split(stochasticLoopTokens.plain).length - 1;

/** What a backend is expected to show on q01's traces. */
export interface OnlineFilterCase {
  /** How far the reported confidences may be from the tables'. */
  readonly tolerance: number;
  readonly threshold: number;
  /** The token at which a trace with this many loop tokens stops (null: it runs in full). */
  readonly stopFor: (loops: number) => number | null;
}

/**
 * q01's case, the same on both backends (log-probabilities floored at ln 2^-149, docs/engine.md,
 * "Token signals"): its confidences are 90.84 after the prompt and each fixed step, 84.19 at the
 * first decision (after s3), 87.84 after each loop token, 74.31 after the answer intro. Windows
 * of 4 below 84.0: only [84.19, 87.84, 87.84, 74.31] = 83.54, a trace with exactly two loop
 * tokens (with none: 85.05, one: 84.29; with more: 84.46 and 86.92 at their lowest). It stops
 * at its 7th token, the answer.
 */
export const q01OnlineFilter: OnlineFilterCase = {
  tolerance: 1e-2,
  threshold: 84,
  stopFor: (loops) => (loops === 2 ? 6 : null),
};

/**
 * Generates the traces in full and checks their confidences against the tables, then again
 * under the case's threshold: exactly the traces the case names stop, at the token it names,
 * and the others are unchanged. The threshold must be more than 0.25 from every window's mean.
 */
export async function expectOnlineFilter(
  run: (request: GenerationRequest) => Promise<Map<string, SampleResult[]>>,
  { tolerance, threshold, stopFor }: OnlineFilterCase,
): Promise<void> {
  const inOrder = (results: Map<string, SampleResult[]>) => items.map((item) => results.get(item.key)![0]!);
  const full = inOrder(await run(deepConfRequest()));
  const known = full.map((r) => stochasticConfidences(0, 'plain', tokensOf(r), TOP_K));
  full.forEach((result, i) => {
    expect(result.stopReason).toBe('end-of-generation');
    const measured = result.signals!.confidence;
    expect(measured).toHaveLength(known[i]!.length);
    measured.forEach((c, t) => expect(Math.abs(c! - known[i]![t]!)).toBeLessThan(tolerance));
  });

  for (const confidences of known) {
    for (const mean of windowMeans(confidences, GROUP)) expect(Math.abs(mean - threshold)).toBeGreaterThan(0.25);
  }
  const stopAt = known.map((confidences) => {
    const filter = new GroupConfidenceFilter(threshold, GROUP);
    const index = confidences.findIndex((c) => filter.push(c));
    return index < 0 ? null : index;
  });
  expect(stopAt).toEqual(full.map((r) => stopFor(loopsOf(r))));
  const stopping = stopAt.filter((s) => s !== null).length;
  expect(stopping).toBeGreaterThan(0);
  expect(stopping).toBeLessThan(items.length);

  const online = inOrder(await run(deepConfRequest(threshold)));
  online.forEach((result, i) => {
    const at = stopAt[i]!;
    if (at === null) {
      const { signals: _a, signalSummary: _b, ...same } = comparable(result);
      const { signals: _c, signalSummary: _d, ...fullSame } = comparable(full[i]!);
      expect(same).toEqual(fullSame);
      expect(result.signalSummary!.lowestGroupConfidence).toBeGreaterThanOrEqual(threshold);
      return;
    }
    expect(result.stopReason).toBe('low-confidence');
    expect(tokensOf(result)).toEqual(tokensOf(full[i]!).slice(0, at + 1));
    // Honest accounting: every token generated is kept and counted; nothing was discarded.
    expect(result.totalTokens).toBe(at + 1);
    expect(result.discardedTokens).toBe(0);
    expect(result.cut).toBe(false);
    expect(result.signalSummary!.lowestGroupConfidence).toBeLessThan(threshold);
  });
}
