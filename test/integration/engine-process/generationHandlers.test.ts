/** engine.renderPrompt / engine.generate / engine.cancel through the API dispatcher, on real llama.cpp. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMessage } from '../../../common/api/messages';
import type { SampleResult } from '../../../common/api/contract/generation';
import { Dispatcher } from '../../../main/messaging/Dispatcher';
import { EventHub } from '../../../main/messaging/EventHub';
import { createGenerationHandlers } from '../../../main/engine-process/generationHandlers';
import { expectOutcome, oracleProblems, oraclePrompt } from '../../../main/fixtures/oracleSpec';
import type { LoadedLocalModel, LoadedModels } from '../../../main/engine/models/LoadedLocalModel';
import { loadLocalEngine, type LocalEngine } from '../engine/localEngine';

let engine: LocalEngine;
let dispatcher: Dispatcher;
const events: EventMessage[] = [];

beforeAll(async () => {
  engine = await loadLocalEngine('oracle', { sequences: 2 });
  const loaded = {
    model: engine.model,
    context: engine.context,
    llama: engine.model.llama,
    description: { info: { thinkDelimiters: { open: '<think>', close: '</think>' } } },
  } as unknown as LoadedLocalModel;
  const models: LoadedModels = {
    get: (modelId) => {
      if (modelId !== 'oracle') throw new Error(`unknown model ${modelId}`);
      return loaded;
    },
  };
  const hub = new EventHub();
  hub.subscribe((message) => events.push(message));
  dispatcher = new Dispatcher(createGenerationHandlers(models, hub));
});

afterAll(async () => {
  await engine?.dispose();
});

let id = 0;
const call = (method: string, params: unknown) => dispatcher.handle({ type: 'request', id: ++id, method, params });

describe('generation API handlers', () => {
  it('renders the exact prompt a sample starts from, with its token count', async () => {
    const problem = oracleProblems[0]!;
    const answer = await call('engine.renderPrompt', {
      modelId: 'oracle',
      prompt: { template: '{{problem}}', thinkPrefix: '<think>\n' },
      message: problem.problem,
    });
    const text = oraclePrompt(problem, 'think');
    expect(answer).toMatchObject({ result: { text, tokenCount: engine.model.tokenize(text, true).length } });
  });

  it('streams one engine.sample event per item and answers when the batch is done', async () => {
    events.length = 0;
    const items = oracleProblems
      .slice(0, 4)
      .map((p) => ({ key: p.id, problemId: p.id, sampleIndex: 0, message: p.problem }));
    const answer = await call('engine.generate', {
      batchId: 'api-1',
      modelId: 'oracle',
      prompt: { template: '{{problem}}' },
      strategies: [8, 16].map((window) => ({ strategy: 'shifted-window', window })),
      sampling: {},
      items,
      streamTokens: true,
    });
    expect(answer).toMatchObject({ result: { batchId: 'api-1', completed: 4, cancelled: false } });
    const samples = events
      .filter((e) => e.event === 'engine.sample')
      .map((e) => e.data as { key: string; results: { text: string }[] });
    expect(samples.map((s) => s.key).sort()).toEqual(['q01', 'q02', 'q03', 'q04']);
    for (const sample of samples) {
      const problem = oracleProblems.find((p) => p.id === sample.key)!;
      expect(sample.results.map((r) => r.text)).toEqual(
        [8, 16].map((window) => expectOutcome(problem, 'plain', { strategy: 'shifted-window', window }).text),
      );
    }
    expect(events.some((e) => e.event === 'engine.token')).toBe(true);
    expect(events.filter((e) => e.event === 'engine.progress').at(-1)?.data).toMatchObject({ done: 4, total: 4 });
  });

  it('labels every result with its position in the request, whatever order the strategies run in', async () => {
    events.length = 0;
    const problem = oracleProblems.find((p) => p.id === 'q05')!;
    const strategies = [
      { strategy: 'shifted-window', window: 8 },
      { strategy: 'unbounded' },
      { strategy: 'shifted-window', window: 16 },
      { strategy: 'shifted-window', window: 8 },
    ] as const;
    await call('engine.generate', {
      batchId: 'api-index',
      modelId: 'oracle',
      prompt: { template: '{{problem}}' },
      strategies,
      sampling: {},
      items: [{ key: problem.id, problemId: problem.id, sampleIndex: 0, message: problem.problem }],
    });
    const sample = events.find((e) => e.event === 'engine.sample')!.data as {
      results: Array<{ strategyIndex: number; text: string }>;
    };
    // The branched sweep (positions 0, 2, 3) runs before the unbounded run (position 1), and the
    // duplicated W=8 is answered at both of its positions.
    expect(sample.results.map((r) => r.strategyIndex)).toEqual([0, 1, 2, 3]);
    for (const result of sample.results) {
      expect(result.text).toBe(expectOutcome(problem, 'plain', strategies[result.strategyIndex]!).text);
    }
  });

  it("passes the request's token signals to every result: the summary, and in mode record every token's values", async () => {
    events.length = 0;
    const problem = oracleProblems.find((p) => p.id === 'q02')!;
    await call('engine.generate', {
      batchId: 'api-signals',
      modelId: 'oracle',
      prompt: { template: '{{problem}}' },
      strategies: [{ strategy: 'shifted-window', window: 4 }],
      sampling: {},
      items: [{ key: problem.id, problemId: problem.id, sampleIndex: 0, message: problem.problem }],
      signals: { mode: 'record', topK: 5, groupSize: 3 },
    });
    const [result] = (events.find((e) => e.event === 'engine.sample')!.data as { results: SampleResult[] }).results;
    // 4 thinking tokens, the hint (no signals), the answer.
    const inserted = result!.segments.flatMap((s) => s.tokens.map(() => s.inserted));
    expect(result!.signals!.confidence.map((c) => c === null)).toEqual(inserted);
    expect(result!.signalSummary).toMatchObject({ tokens: 5, topK: 5, groupSize: 3 });
  });

  it('cancels a running batch by id, and reports an unknown batch as not cancelled', async () => {
    events.length = 0;
    const items = Array.from({ length: 40 }, (_, i) => ({
      key: `k${i}`,
      problemId: 'q11',
      sampleIndex: i,
      message: oracleProblems[10]!.problem,
    }));
    const running = call('engine.generate', {
      batchId: 'api-2',
      modelId: 'oracle',
      prompt: { template: '{{problem}}' },
      strategies: [{ strategy: 'unbounded' }],
      sampling: {},
      items,
    });
    while (!events.some((e) => e.event === 'engine.sample')) await new Promise((r) => setTimeout(r, 2));
    expect(await call('engine.cancel', { batchId: 'api-2' })).toMatchObject({ result: { cancelled: true } });
    const answer = (await running) as { result: { completed: number; cancelled: boolean } };
    expect(answer.result.cancelled).toBe(true);
    expect(answer.result.completed).toBeLessThan(40);
    expect(await call('engine.cancel', { batchId: 'nope' })).toMatchObject({ result: { cancelled: false } });
  });

  it('names the unknown model', async () => {
    const answer = await call('engine.renderPrompt', { modelId: 'missing', prompt: { template: 'x' }, message: 'x' });
    expect(answer).toMatchObject({ error: { message: expect.stringContaining('missing') } });
  });
});
