/**
 * The window strategies on real llama.cpp with the oracle model, whose every result is known
 * (main/fixtures/oracleSpec.ts): exact accuracy and thinking-token histograms per window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccuracy,
  expectOutcome,
  expectThinkingHistogram,
  lastBoxed,
  oracleChain,
  oracleProblems,
  oraclePrompt,
  Z1_BOXED_HINT,
  Z1_HINT,
} from '../../../main/fixtures/oracleSpec';
import { generationRequest, loadLocalEngine, runBatch, type LocalEngine } from './localEngine';
import { expectMatches, histogram, items, MODES, promptFor, WINDOWS } from './oracleCases';

let engine: LocalEngine;

beforeAll(async () => {
  engine = await loadLocalEngine('oracle', { sequences: 2 });
});

afterAll(async () => {
  await engine?.dispose();
});

describe('shifted window on the oracle model', () => {
  for (const mode of MODES) {
    it(`gives the exact accuracy and thinking-token histogram at each window (${mode} mode)`, async () => {
      const strategies = WINDOWS.map((window) => ({ strategy: 'shifted-window', window }));
      const samples = await runBatch(engine.backend, generationRequest({ prompt: promptFor(mode), strategies, items }));
      WINDOWS.forEach((window, w) => {
        const results = oracleProblems.map((p) => samples.get(p.id)![w]!);
        oracleProblems.forEach((p, i) =>
          expectMatches(results[i]!, expectOutcome(p, mode, { strategy: 'shifted-window', window })),
        );
        const accuracy =
          results.filter((r, i) => lastBoxed(r.text) === oracleProblems[i]!.answer).length / results.length;
        expect(accuracy).toBe(expectAccuracy(mode, { strategy: 'shifted-window', window }));
        expect(histogram(results.map((r) => r.phase1Tokens))).toEqual(
          expectThinkingHistogram(mode, { strategy: 'shifted-window', window }),
        );
      });
    });
  }

  it('appends the hint verbatim right after exactly W phase-1 tokens', async () => {
    const hints = [Z1_HINT, Z1_BOXED_HINT];
    const strategies = hints.map((hint) => ({ strategy: 'shifted-window', window: 10, hint }));
    const samples = await runBatch(
      engine.backend,
      generationRequest({ prompt: promptFor('plain'), strategies, items: items.slice(5, 6) }),
    );
    hints.forEach((hint, h) => {
      const result = samples.get('q06')![h]!;
      const [thinking, inserted, answer] = result.segments;
      expect(thinking).toMatchObject({ phase: 'thinking', inserted: false });
      expect(thinking!.tokens).toHaveLength(10);
      expect(inserted).toMatchObject({ phase: 'hint', inserted: true, text: hint });
      expect(inserted!.tokens).toEqual(engine.model.tokenize(hint, true, 'trimLeadingSpace'));
      expect(answer).toMatchObject({ phase: 'answer', inserted: false, text: '\\boxed{0}' });
      expect(result.text.slice(result.hintOffset!, result.hintOffset! + hint.length)).toBe(hint);
      expect(result.text.slice(0, result.hintOffset!)).toBe(thinking!.text);
      expect(result).toMatchObject({
        cut: true,
        cutAt: 10,
        phase1Tokens: 10,
        answerTokens: 1,
        stopReason: 'end-of-generation',
      });
    });
  });

  it('does not cut a thinking that ends by itself exactly at token W', async () => {
    // Phase 1 ends at end-of-generation: q05 generates 32 tokens (plain), q08 64, q11 128; in
    // think mode q05 generates 35 (32 thinking, `</think>`, `\n\n`, the answer).
    const cases = [
      { id: 'q05', mode: 'plain' },
      { id: 'q08', mode: 'plain' },
      { id: 'q11', mode: 'plain' },
      { id: 'q05', mode: 'think' },
    ] as const;
    for (const { id, mode } of cases) {
      const problem = oracleProblems.find((p) => p.id === id)!;
      const window = oracleChain(problem, mode).length - 1;
      const strategies = [window - 1, window].map((w) => ({ strategy: 'shifted-window', window: w }));
      const samples = await runBatch(
        engine.backend,
        generationRequest({ prompt: promptFor(mode), strategies, items: items.filter((i) => i.key === id) }),
      );
      const [below, exact] = samples.get(id)!;
      expect(below).toMatchObject({ cut: true, phase1Tokens: window - 1 });
      expect(exact).toMatchObject({ cut: false, cutAt: null, hintOffset: null, stopReason: 'end-of-generation' });
      expect(exact!.phase1Tokens).toBe(window);
      expect(lastBoxed(exact!.text)).toBe(problem.answer);
    }
  });

  it('renders the same prompt from the chat template and from a raw prompt', async () => {
    for (const mode of MODES) {
      const problem = oracleProblems[3]!;
      const fromTemplate = await engine.backend.renderPrompt(
        {
          template: '{{problem}}',
          chatTemplate: 'model',
          systemPrompt: null,
          thinkPrefix: promptFor(mode).thinkPrefix,
          stopStrings: [],
        },
        problem.problem,
      );
      const raw = await engine.backend.renderPrompt(
        { template: '{{problem}}', chatTemplate: 'raw', systemPrompt: null, thinkPrefix: '', stopStrings: [] },
        oraclePrompt(problem, mode),
      );
      expect(fromTemplate.text).toBe(oraclePrompt(problem, mode));
      expect(fromTemplate.tokens).toEqual(raw.tokens);
    }
  });
});

describe('hard cut and unbounded on the oracle model', () => {
  for (const mode of MODES) {
    it(`give their known results (${mode} mode)`, async () => {
      const windows = [0, 16, 32, 64];
      const strategies = [
        ...windows.map((window) => ({ strategy: 'hard-cut', window })),
        { strategy: 'unbounded' },
        { strategy: 'unbounded', maxTokens: 20 },
      ];
      const expected = [
        ...windows.map((window) => ({ strategy: 'hard-cut' as const, window })),
        { strategy: 'unbounded' as const },
        { strategy: 'unbounded' as const, maxTokens: 20 },
      ];
      const samples = await runBatch(engine.backend, generationRequest({ prompt: promptFor(mode), strategies, items }));
      for (const p of oracleProblems) {
        expected.forEach((strategy, s) => expectMatches(samples.get(p.id)![s]!, expectOutcome(p, mode, strategy)));
      }
      expect(oracleProblems.every((p) => samples.get(p.id)![4]!.stopReason === 'end-of-generation')).toBe(true);
    });
  }
});

describe('budget forcing on the oracle model', () => {
  const cases = [
    { maxThinkingTokens: 16 },
    { maxThinkingTokens: 200, minThinkingTokens: 40 },
    { maxThinkingTokens: 200, minThinkingTokens: 40, maxWaits: 3 },
    { maxThinkingTokens: 30, minThinkingTokens: 20, maxWaits: 2 },
    { maxThinkingTokens: 0 },
  ];

  it('inserts "Wait" exactly when the model tries to stop below the minimum and forces the end at the maximum', async () => {
    const strategies = cases.map((c) => ({ strategy: 'budget-forcing', ...c }));
    const samples = await runBatch(
      engine.backend,
      generationRequest({ prompt: promptFor('think'), strategies, items }),
    );
    let waits = 0;
    let forced = 0;
    for (const p of oracleProblems) {
      cases.forEach((c, i) => {
        const result = samples.get(p.id)![i]!;
        const expected = expectOutcome(p, 'think', { strategy: 'budget-forcing', ...c });
        expectMatches(result, expected);
        expect(result.segments.filter((s) => s.phase === 'wait').map((s) => s.text)).toEqual(
          Array.from({ length: expected.waits }, () => 'Wait'),
        );
        waits += result.extensions;
        forced += result.cut ? 1 : 0;
      });
    }
    // The cases exercise both mechanisms many times over.
    expect(waits).toBeGreaterThan(20);
    expect(forced).toBeGreaterThan(20);
  });
});
