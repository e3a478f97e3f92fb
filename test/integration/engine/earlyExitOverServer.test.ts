/**
 * Early exit through a real llama-server (the remote backend, its signals from the server's
 * top_logprobs) running the oracle model: the confidence problems exit where the spec says, with
 * the samples the local backend gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleResult } from '../../../common/api/contract/generation';
import { confidenceProblems, expectEarlyExit } from '../../../main/fixtures/confidenceSpec';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { ensureLlamaCppTools } from '../../../main/llama-builds/llamaCppTools';
import { startLlamaServer, type LlamaServer } from '../remote/llamaServer';
import { connectRemoteEngine, runRemoteBatch, type RemoteEngine } from '../remote/remoteEngine';
import { comparable, generationRequest, loadLocalEngine, runBatch, type LocalEngine } from './localEngine';

let server: LlamaServer;
let remote: RemoteEngine;
let local: LocalEngine;

beforeAll(async () => {
  // On a fresh machine this compiles llama-server (about 5 minutes, once; cached outside the repo).
  await ensureLlamaCppTools();
  server = await startLlamaServer({ modelPath: await ensureFixtureFile('oracle'), parallel: 2 });
  [remote, local] = await Promise.all([connectRemoteEngine(server.baseUrl), loadLocalEngine('oracle')]);
}, 900_000);

afterAll(async () => {
  await remote?.dispose();
  await local?.dispose();
  await server?.kill();
});

const items = confidenceProblems.map((p) => ({ key: p.id, problemId: p.id, sampleIndex: 0, message: p.problem }));
const prompt = { template: '{{problem}}', thinkPrefix: '<think>\n' };

/** A result without its probes' scores (the server's float32 softmax rounds them apart by less than 5e-4 here). */
function withoutScores(result: SampleResult) {
  return { ...comparable(result), probes: result.probes?.map(({ score: _score, ...probe }) => probe) };
}

describe('early exit over llama-server (oracle confidence problems, greedy)', () => {
  it('exits where the spec says, with the same samples as the local backend, for a threshold sweep', async () => {
    const thresholds = [0.5, 0.8, 0.95, 0.965];
    const request = generationRequest({
      prompt,
      items,
      strategies: thresholds.map((threshold) => ({ strategy: 'early-exit', threshold })),
    });
    const [onServer, onLocal] = await Promise.all([
      runRemoteBatch(remote.backend, request),
      runBatch(local.backend, request),
    ]);
    for (const problem of confidenceProblems) {
      thresholds.forEach((threshold, t) => {
        const served = onServer.get(problem.id)![t]!;
        const expected = expectEarlyExit(problem, { threshold });
        expect(served.text, `${problem.id} θ=${threshold}`).toBe(expected.text);
        expect(served.probes!.map((p) => [p.atThinkingToken, p.exited])).toEqual(
          expected.probes.map((p) => [p.atThinkingToken, p.exited]),
        );
        served.probes!.forEach((p, i) => expect(p.score).toBeCloseTo(expected.probes[i]!.score, 3));
        expect(withoutScores(served)).toEqual(withoutScores(onLocal.get(problem.id)![t]!));
      });
    }
  });
});
