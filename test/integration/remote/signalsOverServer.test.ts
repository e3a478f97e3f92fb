/**
 * Token signals through a real llama-server (built from the llama.cpp source node-llama-cpp
 * ships) on the oracle model, whose logits are known from its tables (chainModelLogits): every
 * generated token's log-probability, entropy and confidence equal those the known logits give
 * over the top K; and the same batches on the local backend record the same signals.
 *
 * The logits are the tables' sums but for one known factor: once the thinking has concluded
 * (` Done.` in the context) the flag dimension adds 1/256 to the residual's squared norm of 2 and
 * RMS norm scales every logit by sqrt(2 / (2 + 1/256)) (chainModel.ts, FLAG_SCALE = 1/16).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateRequest, Token, TokenSignal } from '../../../main/engine/backend/GenerationBackend';
import { LOWEST_TOKEN_LOGPROB, tokenSignalOf } from '../../../main/engine/backend/tokenSignal';
import { chainModelLogits } from '../../../main/fixtures/chainModel';
import { oracleModelDefinition } from '../../../main/fixtures/oracleModel';
import { oracleProblems, type OracleMode } from '../../../main/fixtures/oracleSpec';
import { generationRequest, runBatch, type LocalEngine } from '../engine/localEngine';
import { items, promptFor } from '../engine/oracleCases';
import { oracleOnServerAndLocally, runRemoteBatch, type OracleOnBoth, type RemoteEngine } from './remoteEngine';

let remote: RemoteEngine;
let local: LocalEngine;
const definition = oracleModelDefinition();
const CONCLUDED_NORM_FACTOR = Math.sqrt(2 / (2 + (1 / 16) ** 2));

let both: OracleOnBoth;

beforeAll(async () => {
  both = await oracleOnServerAndLocally({ parallel: 2 });
  ({ remote, local } = both);
}, 900_000);

afterAll(async () => {
  await both?.dispose();
});

/** The model's logits at a position (the concluded factor applied). */
function knownLogits(context: readonly Token[], problem: number): Float64Array {
  const concluded = context.some((t) => definition.concluding.includes(t));
  const logits = chainModelLogits(definition, context.at(-1)!, problem, concluded);
  return concluded ? logits.map((l) => l * CONCLUDED_NORM_FACTOR) : logits;
}

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
    const candidates = [...float32LogSoftmax(knownLogits(context, problem))]
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
    return p > 0 ? Math.log(p) : LOWEST_TOKEN_LOGPROB;
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
 * llama-server reports float32 log-probabilities (~1e-5 at 100 nats), and candidates more than
 * 87 nats below the top are float32 subnormals with fewer digits (a few 1e-3 nats at 100):
 * values agree to 1e-3 + 1e-4 relative.
 */
function expectClose(actual: readonly TokenSignal[], expected: readonly TokenSignal[]) {
  expect(actual).toHaveLength(expected.length);
  const near = (a: number, e: number, what: string) =>
    expect(Math.abs(a - e), `${what}: ${a} for ${e}`).toBeLessThanOrEqual(1e-3 + 1e-4 * Math.abs(e));
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

describe('the local backend and llama-server', () => {
  /** Strategies that insert text (hint, "Wait", cue), branch a sweep and accept a peeked token. */
  const strategies = [
    { strategy: 'shifted-window', window: 4 },
    { strategy: 'shifted-window', window: 64 },
    { strategy: 'budget-forcing', maxThinkingTokens: 6 },
    { strategy: 'budget-forcing', maxThinkingTokens: 1000, minThinkingTokens: 10, maxWaits: 1 },
  ];
  const chosen = items.filter((item) => ['q01', 'q04', 'q06'].includes(item.key));
  const runBoth = async (topK: number) => {
    const request = generationRequest({
      prompt: promptFor('think'),
      strategies,
      items: chosen,
      signals: { mode: 'record', topK },
    });
    const [onServer, onLocal] = await Promise.all([
      runRemoteBatch(remote.backend, request),
      runBatch(local.backend, request),
    ]);
    return { request, onServer, onLocal };
  };

  /** Does a top-K candidate of this position lie more than 103.28 nats below (floored on both backends)? */
  const floored = (context: readonly Token[], problem: number, topK: number) => {
    const top = [...knownLogits(context, problem)].sort((a, b) => b - a).slice(0, topK);
    const logSum = top[0]! + Math.log(top.reduce((sum, l) => sum + Math.exp(l - top[0]!), 0));
    return top.some((l) => l - logSum < LOWEST_TOKEN_LOGPROB);
  };

  // K = 3: no candidate is that far down; K = 20: the oracle's flat tail, 120 nats down, is.
  for (const topK of [3, 20]) {
    it(`record the same signals token for token, null at the same inserted tokens, floored candidates included (K = ${topK})`, async () => {
      const { request, onServer, onLocal } = await runBoth(topK);
      let compared = 0;
      let flooredTokens = 0;
      for (const item of chosen) {
        const problem = oracleProblems.findIndex((p) => p.id === item.key);
        const prompt = (await local.backend.renderPrompt(request.prompt, item.message)).tokens;
        onServer.get(item.key)!.forEach((result, s) => {
          const other = onLocal.get(item.key)![s]!;
          expect(result.segments).toEqual(other.segments);
          for (const key of ['logprob', 'entropy', 'confidence'] as const) {
            const [a, b] = [result.signals![key], other.signals![key]];
            expect(a.map((v) => v === null)).toEqual(b.map((v) => v === null));
            a.forEach((v, i) => {
              if (v !== null)
                expect(Math.abs(v - b[i]!), `${key} of token ${i}`).toBeLessThanOrEqual(1e-3 + 1e-4 * Math.abs(b[i]!));
            });
            compared += a.filter((v) => v !== null).length;
          }
          const context = [...prompt];
          result.segments
            .flatMap((segment) => segment.tokens)
            .forEach((token, i) => {
              if (result.signals!.confidence[i] !== null && floored(context, problem, topK)) flooredTokens += 1;
              context.push(token);
            });
        });
      }
      expect(compared).toBeGreaterThan(300);
      if (topK === 3) expect(flooredTokens).toBe(0);
      else expect(flooredTokens).toBeGreaterThan(0);
    });
  }
});
