/**
 * DeepConf's online filter through a real llama-server (the remote backend): the stochastic
 * model's traces, their confidences from the server's top log-probabilities, and the same
 * stops as on the local backend (the case: test/integration/engine/deepConfCases.ts). The
 * server draws its own tokens from the seed, so the traces are not the local ones; which of them
 * stop follows from their tokens all the same.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { expectOnlineFilter, q01OnlineFilter } from '../engine/deepConfCases';
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
    await expectOnlineFilter((request) => runRemoteBatch(remote.backend, request), q01OnlineFilter);
  });
});
