/**
 * DeepConf's online filter in the engine, on real llama.cpp with the stochastic fixture model
 * (the case: deepConfCases.ts; the same through llama-server: test/integration/remote).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectOnlineFilter, q01OnlineFilter } from './deepConfCases';
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
    await expectOnlineFilter((request) => runBatch(engine.backend, request), q01OnlineFilter);
  });
});
