/**
 * DeepConf's online filter through a real llama-server (the remote backend): the stochastic
 * model's traces, their confidences from the server's top log-probabilities, and the same
 * stops as on the local backend (the case: test/integration/engine/deepConfCases.ts). The
 * server draws its own tokens from the seed, so the traces are not the local ones; which of them
 * stop follows from their tokens all the same.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { LOWEST_STREAMED_LOGPROB } from '../../../main/engine/remote/streamedSignals';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { expectOnlineFilter } from '../engine/deepConfCases';
import { startLlamaServer, type LlamaServer } from './llamaServer';
import { connectRemoteEngine, runRemoteBatch, type RemoteEngine } from './remoteEngine';

let server: LlamaServer;
let remote: RemoteEngine;

beforeAll(async () => {
  server = await startLlamaServer({ modelPath: await ensureFixtureFile('stochastic'), parallel: 2 });
  remote = await connectRemoteEngine(server.baseUrl);
}, 900_000);

afterAll(async () => {
  await remote?.dispose();
  await server?.kill();
});

describe('deepconf over llama-server (real llama-server, stochastic model)', () => {
  it('stops exactly the traces whose group confidence falls below the threshold, at the token the tables say', async () => {
    // llama-server's log-probabilities floor every candidate ~103 nats below the top, so q01's
    // confidences are 90.84 after the prompt and each fixed step, 84.19 at the first decision,
    // 87.84 after each loop token, 74.31 after the answer intro. Windows of 4 below 84.0: only
    // [84.19, 87.84, 87.84, 74.31] = 83.54, a trace with exactly two loop tokens (with one:
    // 84.29; with more: 84.46 and 86.92 at their lowest). It stops at its 7th token, the answer.
    await expectOnlineFilter((request) => runRemoteBatch(remote.backend, request), {
      tolerance: 1e-2,
      lowestLogprob: LOWEST_STREAMED_LOGPROB,
      threshold: 84,
      stopFor: (loops) => (loops === 2 ? 6 : null),
    });
  });
});
