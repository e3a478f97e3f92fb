import { describe, expect, it } from 'vitest';
import { apiMethods } from '../../../common/api/contract';
import type { EventData } from '../../../common/api/contract';
import {
  GenerationBatch,
  type GenerationEvents,
  type GenerationRequest,
} from '../../../main/engine/generation/GenerationBatch';
import { deriveSampleSeed } from '../../../main/engine/sampling/seeds';
import { chainModel, FakeBackend, randomModel } from './fakeBackend';

function request(input: Record<string, unknown>): GenerationRequest {
  const { modelId: _modelId, ...parsed } = apiMethods['engine.generate'].params.parse({
    batchId: 'b1',
    modelId: 'm',
    prompt: { template: '{{problem}}' },
    sampling: {},
    ...input,
  });
  return parsed;
}

const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: `p${i % 3}#${i}`,
    problemId: `p${i % 3}`,
    sampleIndex: i,
    message: `problem ${i % 3}`,
  }));

function recorder() {
  const samples: EventData<'engine.sample'>[] = [];
  const tokens: EventData<'engine.token'>[] = [];
  const progress: EventData<'engine.progress'>[] = [];
  const events: GenerationEvents = {
    sample: (d) => samples.push(d),
    token: (d) => tokens.push(d),
    progress: (d) => progress.push(d),
  };
  return { samples, tokens, progress, events };
}

describe('generation batch (fake backend)', () => {
  it('reports every item with one result per strategy, in the order of the strategies', async () => {
    const backend = new FakeBackend(chainModel(10), { parallelism: 2 });
    const { samples, progress, events } = recorder();
    const strategies = [
      { strategy: 'shifted-window', window: 4 },
      { strategy: 'unbounded' },
      { strategy: 'shifted-window', window: 20 },
      { strategy: 'hard-cut', window: 4 },
    ];
    const outcome = await new GenerationBatch(backend, request({ strategies, items: items(5) }), events).run();
    expect(outcome).toEqual({ batchId: 'b1', completed: 5, cancelled: false });
    expect(samples).toHaveLength(5);
    for (const sample of samples) {
      expect(sample.results.map((r) => [r.strategy.strategy, r.cut])).toEqual([
        ['shifted-window', true],
        ['unbounded', false],
        ['shifted-window', false],
        ['hard-cut', true],
      ]);
    }
    expect(progress.at(-1)).toMatchObject({ done: 5, total: 5 });
    expect(backend.inUse).toBe(0);
  });

  it('seeds each sample from (run seed, problem id, sample index), whatever the parallelism', async () => {
    const run = async (parallelism: number) => {
      const backend = new FakeBackend(randomModel(), { parallelism });
      const { samples, events } = recorder();
      await new GenerationBatch(
        backend,
        request({
          strategies: [{ strategy: 'shifted-window', window: 16 }],
          sampling: { temperature: 1, seed: 9 },
          items: items(6),
        }),
        events,
      ).run();
      return new Map(samples.map((s) => [s.key, s.results[0]!]));
    };
    const one = await run(1);
    const three = await run(3);
    for (const item of items(6)) {
      expect(one.get(item.key)!.seed).toBe(deriveSampleSeed(9, item.problemId, item.sampleIndex));
      expect(three.get(item.key)!.text).toBe(one.get(item.key)!.text);
    }
  });

  it('streams text labelled with its phase', async () => {
    const backend = new FakeBackend(chainModel(10));
    const { tokens, events } = recorder();
    await new GenerationBatch(
      backend,
      request({ strategies: [{ strategy: 'shifted-window', window: 4 }], items: items(1), streamTokens: true }),
      events,
    ).run();
    const byPhase = new Map<string, string>();
    for (const t of tokens) byPhase.set(t.phase, (byPhase.get(t.phase) ?? '') + t.text);
    expect(byPhase.get('thinking')).toBe('abcd');
    expect(byPhase.get('hint')).toContain('I overthought it');
    expect(byPhase.get('answer')).toBe('X');
  });

  it('cancels one item within a second, reports it as cancelled and gives its sequence back', async () => {
    const backend = new FakeBackend(() => 'z', { parallelism: 2, drawDelayMs: 2 });
    const { samples, events } = recorder();
    const batch = new GenerationBatch(
      backend,
      request({
        strategies: [{ strategy: 'unbounded', maxTokens: 60 }],
        items: items(2).map((it, i) => ({ ...it, key: `k${i}` })),
      }),
      events,
    );
    const running = batch.run();
    await new Promise((r) => setTimeout(r, 30));
    const cancelledAt = performance.now();
    expect(batch.cancel('k0')).toBe(true);
    const outcome = await running;
    expect(outcome).toEqual({ batchId: 'b1', completed: 1, cancelled: false });
    const k0 = samples.find((s) => s.key === 'k0')!.results[0]!;
    expect(k0.stopReason).toBe('cancelled');
    expect(k0.totalTokens).toBeLessThan(60);
    expect(samples.find((s) => s.key === 'k1')!.results[0]!.stopReason).toBe('max-tokens');
    expect(performance.now() - cancelledAt).toBeLessThan(1000);
    expect(backend.inUse).toBe(0);
    expect(batch.cancel('nope')).toBe(false);
  });

  it('cancels a whole batch: in-flight items stop, queued ones never start', async () => {
    const backend = new FakeBackend(() => 'z', { parallelism: 2, drawDelayMs: 2 });
    const { samples, events } = recorder();
    const batch = new GenerationBatch(
      backend,
      request({ strategies: [{ strategy: 'unbounded', maxTokens: 500 }], items: items(6) }),
      events,
    );
    const running = batch.run();
    await new Promise((r) => setTimeout(r, 30));
    const cancelledAt = performance.now();
    batch.cancel();
    const outcome = await running;
    expect(performance.now() - cancelledAt).toBeLessThan(1000);
    expect(outcome).toEqual({ batchId: 'b1', completed: 0, cancelled: true });
    expect(samples).toHaveLength(2);
    expect(samples.every((s) => s.results[0]!.stopReason === 'cancelled')).toBe(true);
    expect(backend.inUse).toBe(0);
  });

  it('runs and cancels 256 items in flight without a warning (one abort listener per batch, not per item)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // Two batches sharing the sequences: the second one's workers wait for a sequence.
      const backend = new FakeBackend(() => 'z', { parallelism: 256, drawDelayMs: 1 });
      const strategies = [{ strategy: 'unbounded', maxTokens: 400 }];
      const first = recorder();
      const second = recorder();
      const running = new GenerationBatch(backend, request({ strategies, items: items(256) }), first.events);
      const waiting = new GenerationBatch(backend, request({ strategies, items: items(300) }), second.events);
      const outcomes = [running.run(), waiting.run()];
      await new Promise((r) => setTimeout(r, 50));
      expect(backend.inUse).toBe(256);
      running.cancel();
      waiting.cancel();
      expect(await Promise.all(outcomes)).toEqual([
        { batchId: 'b1', completed: 0, cancelled: true },
        { batchId: 'b1', completed: 0, cancelled: true },
      ]);
      expect(first.samples).toHaveLength(256);
      expect(first.samples.every((s) => s.results[0]!.stopReason === 'cancelled')).toBe(true);
      expect(backend.inUse).toBe(0);
      // Node emits warnings on a later tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings.map((w) => w.name)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
