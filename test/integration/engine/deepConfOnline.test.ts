/**
 * DeepConf's online filter in the engine, on real llama.cpp with the stochastic fixture model
 * (docs/fixtures.md, "Confidence of the stochastic model"): traces drawn at temperature 1 whose
 * token confidences are known from the model's tables, so the test states which traces the
 * threshold stops and at which token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleResult } from '../../../common/api/contract/generation';
import { windowMeans } from '../../../common/signals/summarizeSignals';
import { GroupConfidenceFilter } from '../../../main/engine/strategies/deepConfFilter';
import { stochasticConfidences } from '../../../main/fixtures/stochasticConfidence';
import { stochasticLoopTokens, stochasticProblems } from '../../../main/fixtures/stochasticSpec';
import { comparable, generationRequest, loadLocalEngine, runBatch, type LocalEngine } from './localEngine';
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

let engine: LocalEngine;
beforeAll(async () => {
  engine = await loadLocalEngine('stochastic', { contextSize: 1024 });
});
afterAll(async () => {
  await engine?.dispose();
});

async function generate(stopBelowConfidence?: number): Promise<SampleResult[]> {
  const request = generationRequest({
    prompt: promptFor('plain'),
    strategies: [{ strategy: 'deepconf', maxTokens: 64 }],
    sampling: { temperature: 1, seed: 11, topK: 40, topP: 1, minP: 0 },
    signals: { mode: 'record', topK: TOP_K, groupSize: GROUP },
    items: items.map((item) => (stopBelowConfidence === undefined ? item : { ...item, stopBelowConfidence })),
  });
  const results = await runBatch(engine.backend, request);
  return items.map((item) => results.get(item.key)![0]!);
}

const tokensOf = (result: SampleResult) => result.segments.flatMap((s) => s.tokens);
const loopsOf = (result: SampleResult) => result.text.split(stochasticLoopTokens.plain).length - 1;

describe('deepconf in the engine (real llama.cpp, stochastic model)', () => {
  it("reports the token confidences the model's tables give, and stops exactly the traces whose group confidence falls below the threshold", async () => {
    const full = await generate();
    const known = full.map((r) => stochasticConfidences(0, 'plain', tokensOf(r), TOP_K));
    full.forEach((result, i) => {
      expect(result.stopReason).toBe('end-of-generation');
      const measured = result.signals!.confidence;
      expect(measured).toHaveLength(known[i]!.length);
      measured.forEach((c, t) => expect(Math.abs(c! - known[i]![t]!)).toBeLessThan(1e-2));
    });

    // q01's confidences: 135.05 after the prompt and each fixed step, 105.34 at the first
    // decision (after s3), 111.34 after each loop token, 108 after the answer intro. Windows
    // of 4 fall below 110.17 only once two loop tokens were drawn: [105.34, 111.34, 111.34, x]
    // with x = 108 (the intro came third: 109.01) or 111.34 (109.84); the next lowest window is
    // [111.34 ×3, 108] = 110.51.
    const threshold = 110.17;
    for (const confidences of known) {
      for (const mean of windowMeans(confidences, GROUP)) expect(Math.abs(mean - threshold)).toBeGreaterThan(0.3);
    }
    const stopAt = known.map((confidences) => {
      const filter = new GroupConfidenceFilter(threshold, GROUP);
      const index = confidences.findIndex((c) => filter.push(c));
      return index < 0 ? null : index;
    });
    // So: every trace with at least two loop tokens stops at its 7th token; the others run in full.
    expect(stopAt).toEqual(full.map((r) => (loopsOf(r) >= 2 ? 6 : null)));
    const stopping = stopAt.filter((s) => s !== null).length;
    expect(stopping).toBeGreaterThan(0);
    expect(stopping).toBeLessThan(items.length);

    const online = await generate(threshold);
    online.forEach((result, i) => {
      const at = stopAt[i]!;
      if (at === null) {
        expect(comparable(result)).toEqual(comparable(full[i]!));
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
    // A trace the filter let through never had a window below the threshold.
    for (const [i, result] of online.entries()) {
      if (stopAt[i] === null) expect(result.signalSummary!.lowestGroupConfidence).toBeGreaterThanOrEqual(threshold);
    }
  });
});
