/**
 * Per-token signals on real llama.cpp. The fixture models' logits are known from their tables
 * (main/fixtures/chainModel.ts, `chainModelLogits`), so every generated token's log-probability,
 * entropy and confidence over the top K is known before the model runs; the tests compare the
 * engine's values with those, token by token.
 *
 * The fixture weights are f32 (the KV cache is f16: it holds values of exactly 1 and keys whose
 * rounding only moves attention weights of ~e^-30), and the logits are the tables' sums, except
 * for one known factor: once the thinking has concluded (a ` Done.` in the context), the flag
 * dimension adds ε² = 1/256 to the residual's squared norm of 2, and RMS norm scales every logit
 * by √(2 / (2 + ε²)) (chainModel.ts, FLAG_SCALE = 1/16). What remains is float32 rounding: logits
 * of up to ~160 carry errors of ~1e-5, and the engine reads logit differences back from float32
 * probabilities (relative error ~1e-7, times the probe temperature 4): ~1e-6. The tolerance,
 * 1e-3 in nats (the largest difference seen: 2.4e-5), is well above both and far below any
 * difference a wrong token, candidate set, K or norm factor would make (0.07 and more).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleResult, TokenSignals } from '../../../common/api/contract/generation';
import { summarizeSignals } from '../../../common/signals/summarizeSignals';
import { chainModelLogits, type ChainModelDefinition } from '../../../main/fixtures/chainModel';
import { oracleModelDefinition } from '../../../main/fixtures/oracleModel';
import { oracleProblems } from '../../../main/fixtures/oracleSpec';
import { stochasticModelDefinition } from '../../../main/fixtures/stochasticModel';
import { stochasticProblems } from '../../../main/fixtures/stochasticSpec';
import { LOWEST_TOKEN_LOGPROB } from '../../../main/engine/backend/tokenSignal';
import type { GenerationRequest } from '../../../main/engine/generation/GenerationBatch';
import { generationRequest, loadLocalEngine, runBatch, type LocalEngine } from './localEngine';
import { items, promptFor } from './oracleCases';

const TOLERANCE = 1e-3;
/** chainModel.ts: the flag's magnitude in the residual once the thinking has concluded. */
const FLAG_SCALE = 1 / 16;
const CONCLUDED_NORM_FACTOR = Math.sqrt(2 / (2 + FLAG_SCALE ** 2));

interface ExpectedSignal {
  logprob: number;
  entropy: number;
  confidence: number;
}

/**
 * A token's signals from the fixture's logit tables: the K highest logits of the position,
 * renormalised over those K, floored at ln 2^-149 (docs/engine.md, "Token signals"; the oracle's
 * candidates 120 nats down and the stochastic model's 150 down count as 103.28 down).
 */
function expectedSignal(
  definition: ChainModelDefinition,
  context: readonly number[],
  problem: number,
  drawn: number,
  topK: number,
): ExpectedSignal {
  const concluded = context.some((t) => definition.concluding.includes(t));
  const factor = concluded ? CONCLUDED_NORM_FACTOR : 1;
  const logits = [...chainModelLogits(definition, context.at(-1)!, problem, concluded)].map((logit, token) => ({
    token,
    logit: logit * factor,
  }));
  const top = logits.sort((a, b) => b.logit - a.logit).slice(0, topK);
  const max = top[0]!.logit;
  const logNormalizer = max + Math.log(top.reduce((sum, c) => sum + Math.exp(c.logit - max), 0));
  const logp = top.map((c) => Math.max(c.logit - logNormalizer, LOWEST_TOKEN_LOGPROB));
  const drawnAt = top.findIndex((c) => c.token === drawn);
  return {
    logprob: drawnAt >= 0 ? logp[drawnAt]! : Math.min(...logp),
    entropy: -logp.reduce((sum, l) => sum + Math.exp(l) * l, 0),
    confidence: -logp.reduce((sum, l) => sum + l, 0) / topK,
  };
}

/** Every token's expected signals in a result (null at inserted tokens), and the prompt it followed. */
function expectedSignals(
  definition: ChainModelDefinition,
  prompt: readonly number[],
  problem: number,
  result: SampleResult,
  topK: number,
): Array<ExpectedSignal | null> {
  const context = [...prompt];
  const expected: Array<ExpectedSignal | null> = [];
  for (const segment of result.segments) {
    for (const token of segment.tokens) {
      expected.push(segment.inserted ? null : expectedSignal(definition, context, problem, token, topK));
      context.push(token);
    }
  }
  return expected;
}

function expectSignalsClose(actual: TokenSignals, expected: ReadonlyArray<ExpectedSignal | null>): void {
  expect(actual.logprob).toHaveLength(expected.length);
  expect(actual.entropy).toHaveLength(expected.length);
  expect(actual.confidence).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    const got = { logprob: actual.logprob[i], entropy: actual.entropy[i], confidence: actual.confidence[i] };
    if (e === null) {
      expect(got, `token ${i} was inserted: no signals`).toEqual({ logprob: null, entropy: null, confidence: null });
      return;
    }
    for (const key of ['logprob', 'entropy', 'confidence'] as const) {
      expect(Math.abs(got[key]! - e[key]), `${key} of token ${i}: ${got[key]} vs ${e[key]}`).toBeLessThan(TOLERANCE);
    }
  });
}

/** The summary the expected values give, over the generated tokens only. */
function expectSummaryClose(
  actual: SampleResult['signalSummary'],
  expected: ReadonlyArray<ExpectedSignal | null>,
  options: { topK: number; groupSize: number },
): void {
  const generated = expected.filter((e): e is ExpectedSignal => e !== null);
  const want = summarizeSignals(
    {
      logprob: generated.map((e) => e.logprob),
      entropy: generated.map((e) => e.entropy),
      confidence: generated.map((e) => e.confidence),
    },
    options,
  );
  expect(actual).toBeDefined();
  const { tokens, topK, groupSize, ...values } = actual!;
  expect({ tokens, topK, groupSize }).toEqual({ tokens: want.tokens, topK: want.topK, groupSize: want.groupSize });
  for (const [key, value] of Object.entries(values)) {
    const wanted = want[key as keyof typeof values];
    expect(Math.abs(value! - wanted!), `${key}: ${value} vs ${wanted}`).toBeLessThan(TOLERANCE);
  }
}

/** A result without its timings and signal fields: what must not change when signals are on. */
function withoutSignals(result: SampleResult) {
  const { timings: _timings, signalSummary: _summary, signals: _signals, ...rest } = result;
  return rest;
}

async function promptTokens(engine: LocalEngine, request: GenerationRequest, message: string): Promise<number[]> {
  return [...(await engine.backend.renderPrompt(request.prompt, message)).tokens];
}

describe('token signals on the oracle model (greedy)', () => {
  let engine: LocalEngine;
  const definition = oracleModelDefinition();
  // q01 and q04 (think: 6 and 20 thinking tokens), q06 (plain: 40).
  const chosen = ['q01', 'q04', 'q06'];
  const cases = [
    {
      mode: 'think' as const,
      strategies: [
        // A branched sweep: the W = 4 answer is branched off and erased, then the thinking goes on.
        { strategy: 'shifted-window', window: 4 },
        { strategy: 'shifted-window', window: 64 },
        // At the maximum the peeked token `</think>` is accepted: its signals come from the peek.
        { strategy: 'budget-forcing', maxThinkingTokens: 6 },
        // `</think>` below the minimum is retracted and "Wait" inserted.
        { strategy: 'budget-forcing', maxThinkingTokens: 1000, minThinkingTokens: 10, maxWaits: 1 },
      ],
    },
    { mode: 'plain' as const, strategies: [{ strategy: 'shifted-window', window: 16 }] },
  ];

  beforeAll(async () => {
    // Two sequences: the probes of a batch's sequences run one after another on its logits.
    engine = await loadLocalEngine('oracle', { sequences: 2 });
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  for (const { mode, strategies } of cases) {
    it(`records every token's signals as the logit tables give them, null at inserted tokens (${mode} mode)`, async () => {
      const signals = { mode: 'record', topK: 20, groupSize: 4 };
      const request = generationRequest({
        prompt: promptFor(mode),
        strategies,
        items: items.filter((item) => chosen.includes(item.key)),
        signals,
      });
      const samples = await runBatch(engine.backend, request);
      let checked = 0;
      for (const key of chosen) {
        const problem = oracleProblems.findIndex((p) => p.id === key);
        const prompt = await promptTokens(engine, request, oracleProblems[problem]!.problem);
        for (const result of samples.get(key)!) {
          const expected = expectedSignals(definition, prompt, problem, result, 20);
          expect(expected).toHaveLength(result.totalTokens);
          expect(result.signals?.topK).toBe(20);
          expectSignalsClose(result.signals!, expected);
          expectSummaryClose(result.signalSummary, expected, { topK: 20, groupSize: 4 });
          checked += expected.length;
        }
      }
      expect(checked).toBeGreaterThan(100);
    });
  }

  it('draws a token peeked without signals again when the next call asks for them', async () => {
    const problem = oracleProblems.findIndex((p) => p.id === 'q04');
    const request = generationRequest({ prompt: promptFor('think'), strategies: [{ strategy: 'unbounded' }], items });
    const prompt = await promptTokens(engine, request, oracleProblems[problem]!.problem);
    const sequence = await engine.backend.acquireSequence();
    try {
      await sequence.start(prompt);
      const base = {
        sampling: { temperature: 0, topK: 40, topP: 0.95, minP: 0 },
        seed: { sampleSeed: 1, stream: 'thinking' as const },
        stopStrings: [],
      };
      const first = await sequence.generate({ ...base, maxTokens: 3, peekAfterLimit: true });
      expect(first.signals).toBeUndefined();
      expect(first.next?.signal).toBeUndefined();
      const second = await sequence.generate({ ...base, maxTokens: 2, peekAfterLimit: true, signals: { topK: 20 } });
      expect(second.tokens[0]).toBe(first.next!.token);
      expect(second.signals).toHaveLength(2);
      const context = [...prompt, ...first.tokens];
      const expected = [...second.tokens, second.next!.token].map((token) => {
        const signal = expectedSignal(definition, context, problem, token, 20);
        context.push(token);
        return signal;
      });
      const got = [...second.signals!, second.next!.signal!];
      got.forEach((signal, i) => {
        for (const key of ['logprob', 'entropy', 'confidence'] as const)
          expect(Math.abs(signal[key] - expected[i]![key])).toBeLessThan(TOLERANCE);
      });
    } finally {
      await sequence.truncate(0);
      sequence.release();
    }
  });

  it('summary mode stores the summary only, off stores nothing, and the tokens are those of a run without signals', async () => {
    const strategies = cases[0]!.strategies;
    const runWith = (signals?: Record<string, unknown>) =>
      runBatch(
        engine.backend,
        generationRequest({ prompt: promptFor('think'), strategies, items: items.slice(0, 6), signals }),
      );
    const none = await runWith();
    const off = await runWith({ mode: 'off' });
    const summary = await runWith({ mode: 'summary', topK: 5 });
    const record = await runWith({ mode: 'record', topK: 5 });
    for (const [key, results] of none) {
      results.forEach((plain, s) => {
        expect(plain.signalSummary).toBeUndefined();
        expect(plain.signals).toBeUndefined();
        expect(off.get(key)![s]).toEqual({ ...plain, timings: off.get(key)![s]!.timings });
        const summarized = summary.get(key)![s]!;
        expect(summarized.signals).toBeUndefined();
        expect(summarized.signalSummary?.topK).toBe(5);
        expect(summarized.signalSummary?.tokens).toBe(generatedCount(plain));
        expect(withoutSignals(summarized)).toEqual(withoutSignals(plain));
        const recorded = record.get(key)![s]!;
        expect(withoutSignals(recorded)).toEqual(withoutSignals(plain));
        expect(recorded.signalSummary).toEqual(summarized.signalSummary);
      });
    }
  });
});

function generatedCount(result: SampleResult): number {
  return result.segments.reduce((sum, s) => sum + (s.inserted ? 0 : s.tokens.length), 0);
}

describe('token signals on the stochastic model (seeded, temperature 1)', () => {
  let engine: LocalEngine;
  const definition = stochasticModelDefinition();

  beforeAll(async () => {
    engine = await loadLocalEngine('stochastic', { sequences: 2 });
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it('draws the same tokens with signals on and off, and the entropy of each stop decision is that of its coin', async () => {
    const sampled = Array.from({ length: 6 }, (_, i) => ({
      key: `q01#${i}`,
      problemId: 'q01',
      sampleIndex: i,
      message: stochasticProblems[0]!.problem,
    }));
    const request = (signals?: Record<string, unknown>) =>
      generationRequest({
        prompt: promptFor('plain'),
        strategies: [{ strategy: 'unbounded', maxTokens: 64 }],
        sampling: { temperature: 1, seed: 11 },
        items: sampled,
        signals,
      });
    const off = await runBatch(engine.backend, request());
    const on = await runBatch(engine.backend, request({ mode: 'record', topK: 20 }));
    const prompt = await promptTokens(engine, request(), stochasticProblems[0]!.problem);
    const lengths = new Set<number>();
    const p = stochasticProblems[0]!.stopProbability;
    const coin = -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    let decisions = 0;
    for (const { key } of sampled) {
      const [plain] = off.get(key)!;
      const [withSignals] = on.get(key)!;
      expect(withoutSignals(withSignals!)).toEqual(withoutSignals(plain!));
      lengths.add(withSignals!.totalTokens);
      const expected = expectedSignals(definition, prompt, 0, withSignals!, 20);
      expectSignalsClose(withSignals!.signals!, expected);
      // After the fixed steps, every thinking token but the answer's two is a coin: stop or loop.
      const fixed = stochasticProblems[0]!.minThinking;
      for (let i = fixed; i < withSignals!.phase1Tokens - 1; i += 1) {
        expect(withSignals!.signals!.entropy[i]).toBeCloseTo(coin, 5);
        decisions += 1;
      }
    }
    // The seeds drew different lengths, so the coins really were tossed.
    expect(lengths.size).toBeGreaterThan(1);
    expect(decisions).toBeGreaterThan(6);
  });
});
