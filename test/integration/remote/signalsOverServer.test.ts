/**
 * Token signals through a real llama-server (built from the llama.cpp source node-llama-cpp
 * ships) on the oracle model, whose logits are known from its tables (chainModelLogits): every
 * generated token's log-probability, entropy and confidence equal those the known logits give
 * over the top K, read ahead in a sweep or not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateRequest, Token, TokenSignal } from '../../../main/engine/backend/GenerationBackend';
import { tokenSignalOf } from '../../../main/engine/backend/tokenSignal';
import { chainModelLogits } from '../../../main/fixtures/chainModel';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { oracleModelDefinition } from '../../../main/fixtures/oracleModel';
import { oracleProblems, type OracleMode } from '../../../main/fixtures/oracleSpec';
import { LOWEST_STREAMED_LOGPROB } from '../../../main/engine/remote/streamedSignals';
import { promptFor } from '../engine/oracleCases';
import { startLlamaServer, type LlamaServer } from './llamaServer';
import { connectRemoteEngine, type RemoteEngine } from './remoteEngine';

let server: LlamaServer;
let remote: RemoteEngine;
const definition = oracleModelDefinition();

beforeAll(async () => {
  server = await startLlamaServer({ modelPath: await ensureFixtureFile('oracle'), parallel: 2 });
  remote = await connectRemoteEngine(server.baseUrl);
}, 900_000);

afterAll(async () => {
  await remote?.dispose();
  await server?.kill();
});

/**
 * The signals the model's tables imply for each generated token: its logits from the token
 * before, the problem and whether ` Done.` is in the context, log-softmaxed over the whole
 * vocabulary as llama-server's float32 softmax does (float32LogSoftmax), top K, tokenSignalOf.
 */
function knownSignals(
  prompt: readonly Token[],
  generated: readonly Token[],
  problem: number,
  topK: number,
): TokenSignal[] {
  const context = [...prompt];
  return generated.map((drawn) => {
    const concluded = context.some((t) => definition.concluding.includes(t));
    const logits = chainModelLogits(definition, context.at(-1)!, problem, concluded);
    const candidates = [...float32LogSoftmax(logits)]
      .map((logprob, token) => ({ token, logprob }))
      .sort((a, b) => b.logprob - a.logprob)
      .slice(0, topK);
    context.push(drawn);
    return tokenSignalOf(drawn, candidates);
  });
}

/**
 * Log-probabilities as llama-server computes them (get_token_probabilities): exp in float32,
 * whose subnormals lose digits below e^-87 and reach 0 below e^-103.3 (read as the floor).
 */
function float32LogSoftmax(logits: Float64Array): number[] {
  const max = Math.max(...logits);
  const exps = [...logits].map((l) => Math.fround(Math.exp(Math.fround(l - max))));
  const sum = Math.fround(exps.reduce((a, b) => a + b, 0));
  return exps.map((e) => {
    const p = Math.fround(e / sum);
    return p > 0 ? Math.log(p) : LOWEST_STREAMED_LOGPROB;
  });
}

async function generateWithSignals(mode: OracleMode, problem: number, request: Partial<GenerateRequest>) {
  const rendered = await remote.backend.renderPrompt(
    { chatTemplate: 'model', systemPrompt: null, stopStrings: [], ...promptFor(mode) },
    oracleProblems[problem]!.problem,
  );
  const sequence = await remote.backend.acquireSequence();
  try {
    await sequence.start(rendered.tokens);
    const result = await sequence.generate({
      maxTokens: 200,
      sampling: { temperature: 0, topK: 40, topP: 0.95, minP: 0 },
      seed: { sampleSeed: 1, stream: 'thinking' },
      stopStrings: [],
      ...request,
    });
    return { prompt: rendered.tokens, result };
  } finally {
    sequence.release();
  }
}

/**
 * The model computes its tables' logits up to RMS-norm rounding (about 1e-3 of each logit: a gap
 * of 80 comes out as 79.92), so values agree to 2e-3 relative; llama-server reports float32.
 */
function expectClose(actual: readonly TokenSignal[], expected: readonly TokenSignal[]) {
  expect(actual).toHaveLength(expected.length);
  const near = (a: number, e: number, what: string) =>
    expect(Math.abs(a - e), `${what}: ${a} for ${e}`).toBeLessThanOrEqual(1e-3 + 2e-3 * Math.abs(e));
  actual.forEach((signal, i) => {
    near(signal.logprob, expected[i]!.logprob, `logprob of token ${i}`);
    near(signal.entropy, expected[i]!.entropy, `entropy of token ${i}`);
    near(signal.confidence, expected[i]!.confidence, `confidence of token ${i}`);
  });
}

describe('token signals from llama-server', () => {
  for (const mode of ['plain', 'think'] as const) {
    it(`equal the known logits' over the top K for every token of a whole generation (${mode} mode)`, async () => {
      for (const [problem, topK] of [
        [0, 20],
        [4, 5],
        [10, 2],
      ] as const) {
        const { prompt, result } = await generateWithSignals(mode, problem, { signals: { topK } });
        expect(result.end).toBe('end-of-generation');
        expect(result.signals).toHaveLength(result.tokens.length);
        expectClose(result.signals!, knownSignals(prompt, result.tokens, problem, topK));
      }
    });
  }

  it('known numbers: a counting step is sure (confidence 100/3 over 0, −20, −80 at K = 3)', async () => {
    const { result } = await generateWithSignals('plain', 0, { maxTokens: 1, signals: { topK: 3 } });
    expect(result.signals![0]!.confidence).toBeCloseTo(100 / 3, 3);
    expect(result.signals![0]!.logprob).toBeCloseTo(0, 6);
  });

  it("a window's look-ahead token carries its signal, the same as when it is generated", async () => {
    const problem = 3;
    const peeked = await generateWithSignals('think', problem, {
      maxTokens: 5,
      peekAfterLimit: true,
      signals: { topK: 20 },
    });
    const whole = await generateWithSignals('think', problem, { maxTokens: 6, signals: { topK: 20 } });
    expect(peeked.result.next!.token).toBe(whole.result.tokens[5]);
    expect(peeked.result.next!.signal!.confidence).toBeCloseTo(whole.result.signals![5]!.confidence, 4);
    expectClose(peeked.result.signals!, whole.result.signals!.slice(0, 5));
  });

  it('leave the tokens as they are: the same tokens with and without signals', async () => {
    const withSignals = await generateWithSignals('think', 6, { signals: { topK: 20 } });
    const without = await generateWithSignals('think', 6, {});
    expect(withSignals.result.tokens).toEqual(without.result.tokens);
    expect(without.result).not.toHaveProperty('signals');
  });
});
