/**
 * DeepConf's online filter in the engine, on real llama.cpp with the stochastic fixture model
 * (the case: deepConfCases.ts; the same through llama-server: test/integration/remote).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectOnlineFilter } from './deepConfCases';
import { loadLocalEngine, runBatch, type LocalEngine } from './localEngine';

let engine: LocalEngine;
beforeAll(async () => {
  engine = await loadLocalEngine('stochastic', { contextSize: 1024 });
});
afterAll(async () => {
  await engine?.dispose();
});

describe('deepconf in the engine (real llama.cpp, stochastic model)', () => {
  it("reports the token confidences the model's tables give, and stops exactly the traces whose group confidence falls below the threshold", async () => {
    // q01's confidences: 135.05 after the prompt and each fixed step, 105.34 at the first
    // decision (after s3), 111.34 after each loop token, 108 after the answer intro. Windows of 4
    // fall below 110.17 only once two loop tokens were drawn: [105.34, 111.34, 111.34, x] with
    // x = 108 (the intro came third: 109.01) or 111.34 (109.84); the next lowest window is
    // [111.34 ×3, 108] = 110.51. So every trace with at least two loop tokens stops at its 7th token.
    await expectOnlineFilter((request) => runBatch(engine.backend, request), {
      tolerance: 1e-2,
      threshold: 110.17,
      stopFor: (loops) => (loops >= 2 ? 6 : null),
    });
  });
});
