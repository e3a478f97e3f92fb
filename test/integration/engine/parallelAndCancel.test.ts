/** Parallel sequences in one context, and cancellation, on real llama.cpp. */
import type { LlamaContext } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventData } from '../../../common/api/contract';
import type { SampleResult } from '../../../common/api/contract/generation';
import { expectShiftedWindow, oracleProblems } from '../../../main/fixtures/oracleSpec';
import { GenerationBatch } from '../../../main/engine/generation/GenerationBatch';
import { comparable, generationRequest, loadLocalEngine, runBatch, type LocalEngine } from './localEngine';

let oneSequence: LocalEngine;
let fourSequences: LocalEngine;
let looping: LocalEngine;
/** Native sampling calls of `fourSequences` in flight at once, at most (counted under the engine's queue). */
let mostSamplingAtOnce = 0;
/** Sampling calls of `fourSequences` that overlapped the first one after a decode (must stay 0). */
let drawsBesideFirst = 0;

/**
 * Watches the native sampling calls: how many run at once, and whether any overlaps the first
 * draw after a decode (the one that makes llama.cpp reorder the batch's outputs). Installed
 * before the backend wraps them.
 */
function watchSampling(context: LlamaContext): void {
  type Call = (...args: unknown[]) => Promise<unknown>;
  const native = (context as unknown as { _ctx: { sampleToken: Call; decodeBatch: Call } })._ctx;
  const sampleToken = native.sampleToken.bind(native);
  const decodeBatch = native.decodeBatch.bind(native);
  let inFlight = 0;
  let nextIsFirst = false;
  let firstInFlight = false;
  Object.defineProperty(native, 'decodeBatch', {
    configurable: true,
    value: async (...args: unknown[]) => {
      const result = await decodeBatch(...args);
      nextIsFirst = true;
      return result;
    },
  });
  Object.defineProperty(native, 'sampleToken', {
    configurable: true,
    value: async (...args: unknown[]) => {
      const first = nextIsFirst;
      nextIsFirst = false;
      if (firstInFlight || (first && inFlight > 0)) drawsBesideFirst += 1;
      if (first) firstInFlight = true;
      inFlight += 1;
      mostSamplingAtOnce = Math.max(mostSamplingAtOnce, inFlight);
      try {
        return await sampleToken(...args);
      } finally {
        inFlight -= 1;
        if (first) firstInFlight = false;
      }
    },
  });
}

beforeAll(async () => {
  [oneSequence, fourSequences, looping] = await Promise.all([
    loadLocalEngine('oracle', { sequences: 1 }),
    loadLocalEngine('oracle', { sequences: 4, beforeBackend: watchSampling }),
    // Greedy decoding never ends the stochastic model's thinking: generation runs until stopped.
    loadLocalEngine('stochastic', { sequences: 2, contextSize: 4096 }),
  ]);
});

afterAll(async () => {
  await Promise.all([oneSequence?.dispose(), fourSequences?.dispose(), looping?.dispose()]);
});

describe('parallel samples', () => {
  it('N parallel sequences give the same results as one at a time (greedy)', async () => {
    const items = oracleProblems.flatMap((p) =>
      [0, 1].map((s) => ({ key: `${p.id}#${s}`, problemId: p.id, sampleIndex: s, message: p.problem })),
    );
    const strategies = [
      { strategy: 'shifted-window', window: 16 },
      { strategy: 'shifted-window', window: 64 },
      { strategy: 'unbounded' },
      { strategy: 'budget-forcing', maxThinkingTokens: 30, minThinkingTokens: 20 },
    ];
    const request = generationRequest({
      prompt: { template: '{{problem}}', thinkPrefix: '<think>\n' },
      strategies,
      items,
    });
    expect(fourSequences.backend.parallelism).toBe(4);
    const parallel = await runBatch(fourSequences.backend, request);
    const serial = await runBatch(oneSequence.backend, request);
    expect(parallel.size).toBe(items.length);
    for (const item of items) {
      expect(parallel.get(item.key)!.map(comparable)).toEqual(serial.get(item.key)!.map(comparable));
    }
  });
});

describe('parallel samples under load', () => {
  // llama.cpp reorders a batch's outputs lazily on first access; concurrent sampling of several
  // sequences raced on it and read other sequences' logits (main/engine/local/ContextDecoder.ts).
  it("draws the first token after each decode alone, so parallel sequences never read each other's logits", async () => {
    const plain = { template: '<|im_start|>user\n{{problem}}<|im_end|>\n<|im_start|>assistant\n', chatTemplate: 'raw' };
    const items = oracleProblems.flatMap((p) =>
      Array.from({ length: 10 }, (_, s) => ({
        key: `${p.id}#${s}`,
        problemId: p.id,
        sampleIndex: s,
        message: p.problem,
      })),
    );
    const wrong: string[] = [];
    for (const windows of [[8, 16, 32, 64, 128], [128], [64, 128]]) {
      const strategies = windows.map((window) => ({
        strategy: 'shifted-window',
        window,
        answerBudget: 16,
        maxTokens: 256,
      }));
      const results = await runBatch(fourSequences.backend, generationRequest({ prompt: plain, strategies, items }));
      for (const item of items) {
        const problem = oracleProblems.find((p) => p.id === item.problemId)!;
        results.get(item.key)!.forEach((result, w) => {
          if (result.text !== expectShiftedWindow(problem, 'plain', windows[w]!).text)
            wrong.push(`${item.key} W=${windows[w]}`);
        });
      }
    }
    expect(wrong).toEqual([]);
    expect(drawsBesideFirst).toBe(0);
    // The other draws of a batch did run at once (on libuv's pool: truly in parallel unless UV_THREADPOOL_SIZE=1).
    expect(mostSamplingAtOnce).toBeGreaterThan(1);
  });
});

describe('cancellation', () => {
  const loopItems = [0, 1, 2, 3].map((i) => ({
    key: `k${i}`,
    problemId: 'q10',
    sampleIndex: i,
    message: oracleProblems[9]!.problem,
  }));

  function startLoopingBatch(batchId: string) {
    const samples = new Map<string, SampleResult[]>();
    let firstToken!: () => void;
    const started = new Promise<void>((resolve) => (firstToken = resolve));
    const batch = new GenerationBatch(
      looping.backend,
      generationRequest({
        batchId,
        prompt: { template: '{{problem}}' },
        strategies: [{ strategy: 'unbounded', maxTokens: 3900 }],
        items: loopItems,
        streamTokens: true,
      }),
      {
        sample: (data: EventData<'engine.sample'>) => samples.set(data.key, data.results),
        token: () => firstToken(),
        progress: () => {},
      },
    );
    return { batch, samples, started, running: batch.run() };
  }

  it('stops a running batch within a second, reports its samples as cancelled and frees its sequences', async () => {
    const { batch, samples, started, running } = startLoopingBatch('cancel-batch');
    await started;
    const cancelledAt = performance.now();
    expect(batch.cancel()).toBe(true);
    const outcome = await running;
    expect(performance.now() - cancelledAt).toBeLessThan(1000);
    expect(outcome).toMatchObject({ completed: 0, cancelled: true });
    const results = [...samples.values()].flat();
    expect(results.length).toBe(2);
    for (const result of results) {
      expect(result.stopReason).toBe('cancelled');
      expect(result.totalTokens).toBeLessThan(3900);
    }
    // Both sequences are free again: a new batch gets them at once.
    const after = await runBatch(
      looping.backend,
      generationRequest({
        prompt: { template: '{{problem}}' },
        strategies: [{ strategy: 'unbounded', maxTokens: 5 }],
        items: loopItems,
      }),
    );
    expect([...after.values()].map((r) => r[0]!.stopReason)).toEqual([
      'max-tokens',
      'max-tokens',
      'max-tokens',
      'max-tokens',
    ]);
  });

  it('stops one sample within a second while the others go on', async () => {
    const { batch, samples, started, running } = startLoopingBatch('cancel-one');
    await started;
    const cancelledAt = performance.now();
    expect(batch.cancel('k0')).toBe(true);
    expect(batch.cancel('k3')).toBe(true); // still queued: it never starts
    const cancelled = await new Promise<number>((resolve) => {
      const poll = setInterval(() => {
        if (samples.has('k0')) {
          clearInterval(poll);
          resolve(performance.now() - cancelledAt);
        }
      }, 5);
    });
    expect(cancelled).toBeLessThan(1000);
    batch.cancel();
    await running;
    expect(samples.get('k0')![0]!.stopReason).toBe('cancelled');
    expect(samples.has('k3')).toBe(false);
    // k2 ran on the sequence k0 gave back.
    expect(samples.has('k2')).toBe(true);
  });

  it('lets a context be disposed while a sample is generating: the sample fails, the dispose completes', async () => {
    const engine = await loadLocalEngine('stochastic', { contextSize: 4096 });
    try {
      const sequence = await engine.backend.acquireSequence();
      await sequence.start(await engine.backend.tokenize(oracleProblems[0]!.problem));
      let generated = 0;
      const generating = sequence.generate({
        maxTokens: 3900,
        sampling: { temperature: 0, topK: 40, topP: 0.95, minP: 0 },
        seed: { sampleSeed: 1, stream: 'thinking' },
        stopStrings: [],
        onToken: () => (generated += 1),
      });
      const failed = generating.then(
        () => 'finished',
        (error: Error) => error.constructor.name,
      );
      await until(() => generated >= 20);
      await engine.context.dispose();
      expect(await failed).toBe('DisposedError');
      expect(generated).toBeLessThan(3900);
      expect(engine.context.disposed).toBe(true);
    } finally {
      await engine.dispose();
    }
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
