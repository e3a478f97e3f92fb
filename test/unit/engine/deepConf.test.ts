import { describe, expect, it } from 'vitest';
import { promptSettings } from '../../../common/settings/prompt';
import type { BackendSequence, GenerationBackend } from '../../../main/engine/backend/GenerationBackend';
import { runOne, strategy } from './engineTestKit';
import { EOS, FakeBackend } from './fakeBackend';

/** Ten "~"s, then the end of generation. The fake's confidence of a token is K + its position. */
const tenTokens = () => new FakeBackend((context) => (context.filter((t) => t === '~').length < 10 ? '~' : EOS));
/** Where the first generated token stands: after the prompt, rendered as the test kit renders it. */
const promptLength = async (backend: FakeBackend) =>
  (await backend.renderPrompt(promptSettings.parse({ template: '{{problem}}' }), 'q')).tokens.length;
const deepconf = strategy({ strategy: 'deepconf', maxTokens: 100 });
const signals = { mode: 'summary', topK: 20, groupSize: 4 };

/** The same backend, but its sequences hand out signals only with the finished generation. */
function signalsAtTheEnd(backend: FakeBackend): GenerationBackend {
  return Object.assign(Object.create(backend) as FakeBackend, {
    async acquireSequence(signal?: AbortSignal): Promise<BackendSequence> {
      const sequence = await backend.acquireSequence(signal);
      return Object.assign(Object.create(sequence) as BackendSequence, {
        generate: (request: Parameters<BackendSequence['generate']>[0]) =>
          sequence.generate({ ...request, onToken: (token, text) => request.onToken?.(token, text) }),
      });
    },
  });
}

describe('deepconf in the engine (fake backend)', () => {
  it('runs a trace without a threshold in full', async () => {
    const result = await runOne(tenTokens(), deepconf, { signals });
    expect([result.stopReason, result.totalTokens, result.discardedTokens]).toEqual(['end-of-generation', 10, 0]);
  });

  it("stops at the first full window below the item's threshold, keeping and counting its tokens", async () => {
    const backend = tenTokens();
    const prompt = await promptLength(backend);
    // Confidences K + position rise, so the first window (positions prompt … prompt + 3) is the
    // lowest: its mean is 20 + prompt + 1.5. Just above it, the trace stops at its 4th token.
    const threshold = 20 + prompt + 1.5 + 1e-9;
    const result = await runOne(backend, deepconf, { signals, stopBelowConfidence: threshold });
    expect([result.stopReason, result.totalTokens, result.discardedTokens, result.cut]).toEqual([
      'low-confidence',
      4,
      0,
      false,
    ]);
    expect(result.text).toBe('~~~~');
    expect(result.signalSummary!.lowestGroupConfidence).toBe(20 + prompt + 1.5);
    // At the lowest window's mean exactly, nothing is below it.
    const through = await runOne(tenTokens(), deepconf, { signals, stopBelowConfidence: threshold - 1e-9 });
    expect([through.stopReason, through.totalTokens]).toEqual(['end-of-generation', 10]);
  });

  it('on a backend that gives signals only at the end, erases the tokens after the stopping one and counts them as discarded', async () => {
    const backend = tenTokens();
    const prompt = await promptLength(backend);
    const result = await runOne(signalsAtTheEnd(backend), deepconf, {
      signals,
      stopBelowConfidence: 20 + prompt + 1.5 + 1e-9,
    });
    expect([result.stopReason, result.totalTokens, result.discardedTokens, result.text]).toEqual([
      'low-confidence',
      4,
      6,
      '~~~~',
    ]);
  });
});
