import { describe, expect, it } from 'vitest';
import { Z1_HINT } from '../../../common/settings/strategy';
import { chainModel, EOS, FakeBackend, thinkModel } from './fakeBackend';
import { runOne, strategy } from './engineTestKit';

const letters = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');

describe('shifted window (fake backend)', () => {
  it('cuts at exactly W tokens and appends the hint, then generates the answer', async () => {
    const backend = new FakeBackend(chainModel(20));
    const result = await runOne(backend, strategy({ strategy: 'shifted-window', window: 8 }));
    expect(result.phase1Tokens).toBe(8);
    expect(result.cut).toBe(true);
    expect(result.cutAt).toBe(8);
    expect(result.text).toBe(letters(8) + Z1_HINT + 'X');
    expect(result.hintOffset).toBe(8);
    expect(result.segments.map((s) => [s.phase, s.inserted, s.tokens.length])).toEqual([
      ['thinking', false, 8],
      ['hint', true, Z1_HINT.length],
      ['answer', false, 1],
    ]);
    expect(result.answerTokens).toBe(1);
    expect(result.totalTokens).toBe(8 + Z1_HINT.length + 1);
    expect(result.stopReason).toBe('end-of-generation');
  });

  it('does not cut a thinking that ends by itself exactly at token W', async () => {
    const backend = new FakeBackend(chainModel(8));
    const result = await runOne(backend, strategy({ strategy: 'shifted-window', window: 8 }));
    expect(result).toMatchObject({
      cut: false,
      cutAt: null,
      phase1Tokens: 8,
      hintOffset: null,
      stopReason: 'end-of-generation',
    });
    expect(result.text).toBe(letters(8));
  });

  it('cuts a thinking one token longer than W', async () => {
    const backend = new FakeBackend(chainModel(9));
    const result = await runOne(backend, strategy({ strategy: 'shifted-window', window: 8 }));
    expect(result).toMatchObject({ cut: true, cutAt: 8, phase1Tokens: 8 });
  });

  it('cuts at W = 0 with the hint right after the prompt', async () => {
    const backend = new FakeBackend(chainModel(5));
    const result = await runOne(backend, strategy({ strategy: 'shifted-window', window: 0 }));
    expect(result).toMatchObject({ cut: true, cutAt: 0, phase1Tokens: 0, hintOffset: 0, text: Z1_HINT + 'X' });
  });

  it('keeps the answer within the answer budget and the overall budget', async () => {
    const backend = new FakeBackend(() => 'z');
    const byAnswerBudget = await runOne(backend, strategy({ strategy: 'shifted-window', window: 4, answerBudget: 3 }));
    expect(byAnswerBudget).toMatchObject({ phase1Tokens: 4, answerTokens: 3, stopReason: 'max-tokens' });
    const hintTokens = Z1_HINT.length;
    const byOverall = await runOne(
      backend,
      strategy({ strategy: 'shifted-window', window: 4, maxTokens: 4 + hintTokens + 2 }),
    );
    expect(byOverall).toMatchObject({ answerTokens: 2, totalTokens: 4 + hintTokens + 2, stopReason: 'max-tokens' });
  });

  it('lets the overall budget cut phase 1 without a hint when the window is at or beyond it', async () => {
    const backend = new FakeBackend(() => 'z');
    const result = await runOne(backend, strategy({ strategy: 'shifted-window', window: 50, maxTokens: 10 }));
    expect(result).toMatchObject({
      cut: true,
      cutAt: 10,
      phase1Tokens: 10,
      stopReason: 'max-tokens',
      hintOffset: null,
    });
    const exact = await runOne(
      new FakeBackend(chainModel(10)),
      strategy({ strategy: 'shifted-window', window: 50, maxTokens: 10 }),
    );
    expect(exact).toMatchObject({ cut: false, phase1Tokens: 10, stopReason: 'end-of-generation' });
  });

  it('ends phase 1 on a prompt stop string, keeping the tokens that wrote it', async () => {
    const backend = new FakeBackend(chainModel(20));
    const result = await runOne(backend, strategy({ strategy: 'shifted-window', window: 16 }), {
      prompt: { stopStrings: ['def'] },
    });
    expect(result).toMatchObject({ cut: false, stopReason: 'stop-string', phase1Tokens: 6, text: 'abcdef' });
  });

  it('counts delimited thinking up to the hint when the prompt opens the thinking', async () => {
    const backend = new FakeBackend(chainModel(20));
    const opened = await runOne(backend, strategy({ strategy: 'shifted-window', window: 5 }), {
      prompt: { thinkPrefix: '<think>\n' },
    });
    expect(opened.delimitedThinkingTokens).toBe(5);
    const plain = await runOne(backend, strategy({ strategy: 'shifted-window', window: 5 }));
    expect(plain.delimitedThinkingTokens).toBeNull();
  });

  it('counts the tokens before the model writes </think>', async () => {
    const backend = new FakeBackend(chainModel(6, ['</think>', 'Y', EOS]));
    const result = await runOne(backend, strategy({ strategy: 'unbounded' }), { prompt: { thinkPrefix: '<think>\n' } });
    expect(result.text).toBe(letters(6) + '</think>Y');
    expect(result.delimitedThinkingTokens).toBe(6);
    expect(result.phase1Tokens).toBe(8);
  });
});

describe('hard cut and unbounded (fake backend)', () => {
  it('hard cut stops at W with no hint', async () => {
    const backend = new FakeBackend(chainModel(20));
    const result = await runOne(backend, strategy({ strategy: 'hard-cut', window: 7 }));
    expect(result).toMatchObject({
      cut: true,
      cutAt: 7,
      phase1Tokens: 7,
      text: letters(7),
      hintOffset: null,
      stopReason: 'max-tokens',
    });
  });

  it('hard cut leaves a thinking that ends exactly at W uncut', async () => {
    const backend = new FakeBackend(chainModel(7));
    const result = await runOne(backend, strategy({ strategy: 'hard-cut', window: 7 }));
    expect(result).toMatchObject({ cut: false, stopReason: 'end-of-generation', phase1Tokens: 7 });
  });

  it('unbounded generates until the model stops or the overall budget runs out', async () => {
    const backend = new FakeBackend(chainModel(30));
    expect(await runOne(backend, strategy({ strategy: 'unbounded' }))).toMatchObject({
      phase1Tokens: 30,
      cut: false,
      stopReason: 'end-of-generation',
    });
    expect(await runOne(backend, strategy({ strategy: 'unbounded', maxTokens: 12 }))).toMatchObject({
      phase1Tokens: 12,
      cut: true,
      cutAt: 12,
      stopReason: 'max-tokens',
    });
  });
});

describe('budget forcing (fake backend)', () => {
  const think = { prompt: { thinkPrefix: '<think>\n' } };

  it('lets a thinking between the minimum and the maximum end by itself, then answers', async () => {
    const backend = new FakeBackend(thinkModel(10, 4));
    const result = await runOne(
      backend,
      strategy({ strategy: 'budget-forcing', maxThinkingTokens: 20, minThinkingTokens: 5 }),
      think,
    );
    expect(result).toMatchObject({
      cut: false,
      extensions: 0,
      phase1Tokens: 10,
      delimitedThinkingTokens: 10,
      answerTokens: 1,
    });
    expect(result.text).toBe(letters(10) + '</think>Y');
  });

  it('suppresses </think> below the minimum and appends "Wait", at most maxWaits times', async () => {
    const backend = new FakeBackend(thinkModel(6, 4));
    const once = await runOne(
      backend,
      strategy({ strategy: 'budget-forcing', maxThinkingTokens: 50, minThinkingTokens: 20 }),
      think,
    );
    expect(once.text).toBe(letters(6) + 'Wait' + letters(4) + '</think>Y');
    expect(once).toMatchObject({ extensions: 1, phase1Tokens: 10, delimitedThinkingTokens: 10, cut: false });
    expect(once.segments.map((s) => s.phase)).toEqual(['thinking', 'wait', 'thinking', 'answer']);

    const thrice = await runOne(
      backend,
      strategy({ strategy: 'budget-forcing', maxThinkingTokens: 50, minThinkingTokens: 14, maxWaits: 5 }),
      think,
    );
    // 6 → Wait → 10 → Wait → 14 ≥ 14: the third </think> is kept.
    expect(thrice.text).toBe(letters(6) + 'Wait' + letters(4) + 'Wait' + letters(4) + '</think>Y');
    expect(thrice.extensions).toBe(2);
  });

  it('forces </think> and the answer cue at the maximum', async () => {
    const backend = new FakeBackend(thinkModel(30, 4));
    const result = await runOne(backend, strategy({ strategy: 'budget-forcing', maxThinkingTokens: 12 }), think);
    expect(result.text).toBe(letters(12) + '</think>\n\nFinal Answer:Y');
    expect(result).toMatchObject({
      cut: true,
      cutAt: 12,
      phase1Tokens: 12,
      delimitedThinkingTokens: 12,
      hintOffset: 12,
      extensions: 0,
    });
  });

  it('does not force the end when the model writes </think> exactly at the maximum', async () => {
    const backend = new FakeBackend(thinkModel(12, 4));
    const result = await runOne(backend, strategy({ strategy: 'budget-forcing', maxThinkingTokens: 12 }), think);
    expect(result.text).toBe(letters(12) + '</think>Y');
    expect(result).toMatchObject({ cut: false, phase1Tokens: 12 });
  });

  it('forces the end at the maximum after a "Wait" (inserted text does not count)', async () => {
    const backend = new FakeBackend(thinkModel(6, 40));
    const result = await runOne(
      backend,
      strategy({ strategy: 'budget-forcing', maxThinkingTokens: 15, minThinkingTokens: 10 }),
      think,
    );
    expect(result.text).toBe(letters(6) + 'Wait' + letters(9) + '</think>\n\nFinal Answer:Y');
    expect(result).toMatchObject({ cut: true, cutAt: 15, extensions: 1, phase1Tokens: 15 });
  });
});
