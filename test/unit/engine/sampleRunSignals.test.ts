import { describe, expect, it } from 'vitest';
import type { StrategyResult } from '../../../common/api/contract/generation';
import { promptSettings } from '../../../common/settings/prompt';
import { summarizeSignals } from '../../../common/signals/summarizeSignals';
import { chainModel, FakeBackend, fakeSignal, randomModel, thinkModel } from './fakeBackend';
import { comparable, runOne, runSweep, strategy, withRun } from './engineTestKit';

/** The fake prompt's length: signals are a function of the position a token was drawn at. */
async function promptLength(backend: FakeBackend): Promise<number> {
  return (await backend.renderPrompt(promptSettings.parse({ template: '{{problem}}' }), 'q')).tokens.length;
}

/**
 * Checks that a recorded result's arrays line up with its tokens: the fake's signal of each
 * generated token at its position, null at every inserted token.
 */
async function expectAligned(backend: FakeBackend, result: StrategyResult, topK: number): Promise<void> {
  const start = await promptLength(backend);
  const expected = result.segments.flatMap((segment) => segment.tokens.map((token) => ({ token, segment })));
  const signals = result.signals!;
  expect(signals.topK).toBe(topK);
  expect(signals.logprob).toHaveLength(result.totalTokens);
  expected.forEach(({ token, segment }, i) => {
    const got = { logprob: signals.logprob[i], entropy: signals.entropy[i], confidence: signals.confidence[i] };
    expect(got).toEqual(
      segment.inserted ? { logprob: null, entropy: null, confidence: null } : fakeSignal(start + i, token, topK),
    );
  });
}

describe('SampleRun token signals (fake backend)', () => {
  it('records signals aligned with the tokens through a branched sweep, as independent runs do', async () => {
    const signals = { mode: 'record', topK: 7 };
    const settings = [0, 4, 12, 30].map((window) => strategy({ strategy: 'shifted-window', window, answerBudget: 5 }));
    for (const sampleSeed of [1, 2, 3]) {
      const backend = new FakeBackend(randomModel({ stopEvery: 20 }));
      const options = { sampling: { temperature: 1, seed: 3 }, sampleSeed, signals };
      const swept = await runSweep(backend, settings, options);
      for (const [i, s] of settings.entries()) {
        await expectAligned(backend, swept[i]!, 7);
        // Restoring the branch point brought the thinking's signals back with its tokens.
        expect(comparable(swept[i]!)).toEqual(comparable(await runOne(backend, s, options)));
      }
    }
  });

  it('drops the signals of a retracted delimiter and has none for the inserted "Wait"', async () => {
    const backend = new FakeBackend(thinkModel(3, 2));
    const settings = strategy({
      strategy: 'budget-forcing',
      maxThinkingTokens: 100,
      minThinkingTokens: 5,
      maxWaits: 1,
    });
    const result = await runOne(backend, settings, { signals: { mode: 'record', topK: 4 } });
    expect(result.segments.map((s) => [s.phase, s.inserted])).toEqual([
      ['thinking', false],
      ['wait', true],
      ['thinking', false],
      ['answer', false],
    ]);
    await expectAligned(backend, result, 4);
  });

  it('keeps the signals of an accepted peeked token', async () => {
    // At the maximum of 3 the model would write `</think>` next: budget forcing accepts the peek.
    const backend = new FakeBackend(thinkModel(3, 0));
    const settings = strategy({ strategy: 'budget-forcing', maxThinkingTokens: 3 });
    const result = await runOne(backend, settings, { signals: { mode: 'record', topK: 2 } });
    expect(result.segments[0]!.text).toBe('abc</think>');
    expect(result.signals!.confidence[3]).toBe(2 + (await promptLength(backend)) + 3);
    await expectAligned(backend, result, 2);
  });

  it('summary mode gives the summary of the generated tokens only, off gives nothing', async () => {
    const backend = new FakeBackend(chainModel(10));
    const settings = strategy({ strategy: 'shifted-window', window: 6 });
    const recorded = await runOne(backend, settings, { signals: { mode: 'record', topK: 3, groupSize: 2 } });
    const summarized = await runOne(backend, settings, { signals: { mode: 'summary', topK: 3, groupSize: 2 } });
    const generated = (values: ReadonlyArray<number | null>) => values.filter((v): v is number => v !== null);
    const { topK: _topK, ...arrays } = recorded.signals!;
    const expected = summarizeSignals(
      {
        logprob: generated(arrays.logprob),
        entropy: generated(arrays.entropy),
        confidence: generated(arrays.confidence),
      },
      { topK: 3, groupSize: 2 },
    );
    expect(expected.tokens).toBe(7); // 6 thinking tokens and the answer, not the hint
    expect(summarized.signalSummary).toEqual(expected);
    expect(recorded.signalSummary).toEqual(expected);
    expect(summarized.signals).toBeUndefined();
    for (const off of [
      await runOne(backend, settings, { signals: { mode: 'off' } }),
      await runOne(backend, settings),
    ]) {
      expect(off.signalSummary).toBeUndefined();
      expect(off.signals).toBeUndefined();
      expect(off.discardedTokens).toBe(0);
      expect(off.text).toBe(summarized.text);
    }
  });

  it('restores the signals of a checkpoint when the thinking went on after it', async () => {
    const backend = new FakeBackend(chainModel(20));
    const start = await promptLength(backend);
    await withRun(backend, { signals: { mode: 'record', topK: 3 } }, async (run) => {
      await run.generate('thinking', { maxTokens: 2 });
      const checkpoint = run.checkpoint();
      await run.generate('thinking', { maxTokens: 3 });
      expect(run.generatedSignals()).toHaveLength(5);
      await run.restore(checkpoint);
      expect(run.generatedSignals().map((s) => s!.confidence)).toEqual([3 + start, 3 + start + 1]);
      await run.generate('thinking', { maxTokens: 1 });
      const result = await run.result(strategy({ strategy: 'unbounded' }), { cut: false });
      expect(result.signals!.confidence).toEqual([0, 1, 2].map((i) => 3 + start + i));
    });
  });

  it('ends a generate call after the first token its stopWhen flags, and keeps that token', async () => {
    const backend = new FakeBackend(chainModel(20));
    const start = await promptLength(backend);
    await withRun(backend, { signals: { mode: 'summary', topK: 3 } }, async (run) => {
      const seen: number[] = [];
      const generated = await run.generate('thinking', {
        maxTokens: 10,
        stopWhen: (signal) => {
          seen.push(signal.confidence);
          return signal.confidence >= 3 + start + 3;
        },
      });
      expect(seen).toEqual([0, 1, 2, 3].map((i) => 3 + start + i));
      expect(generated.tokens).toHaveLength(4);
      expect(generated.end).toBe('cancelled');
      expect(run.cancelled).toBe(false);
      expect((await run.generate('thinking', { maxTokens: 2 })).tokens).toHaveLength(2);
    });
  });

  it('lets one generate call ask for signals, or for none, whatever the run records', async () => {
    const backend = new FakeBackend(chainModel(10));
    const start = await promptLength(backend);
    await withRun(backend, {}, async (run) => {
      const probe = await run.generate('thinking', { maxTokens: 2, signals: { topK: 5 } });
      expect(probe.signals).toEqual([0, 1].map((i) => fakeSignal(start + i, probe.tokens[i]!, 5)));
      await run.generate('thinking', { maxTokens: 1 });
      expect(run.generatedSignals()).toEqual([...probe.signals!, null]);
      const result = await run.result(strategy({ strategy: 'unbounded' }), {
        cut: false,
        discardedTokens: 4,
        probes: [{ atThinkingToken: 2, tokens: 4, score: 0.5, exited: false }],
      });
      expect(result.signalSummary).toBeUndefined();
      expect(result.discardedTokens).toBe(4);
      expect(result.probes).toEqual([{ atThinkingToken: 2, tokens: 4, score: 0.5, exited: false }]);
    });
    await withRun(backend, { signals: { mode: 'record', topK: 3 } }, async (run) => {
      await run.generate('thinking', { maxTokens: 2, signals: null });
      await run.generate('thinking', { maxTokens: 1 });
      const result = await run.result(strategy({ strategy: 'unbounded' }), { cut: false });
      expect(result.signals!.confidence).toEqual([null, null, 3 + start + 2]);
      expect(result.signalSummary!.tokens).toBe(1);
    });
  });
});
