/**
 * A model cell with an "openai:" source through the engine's API, as the app uses it:
 * engine.loadModel connects (ModelRegistry → RemoteModels), engine.renderPrompt and
 * engine.generate run over the remote backend, engine.unloadModel forgets it. Also the GGUF
 * tokenizer option (the model's own vocabulary, loaded locally without weights).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMessage } from '../../../common/api/messages';
import { Dispatcher } from '../../../main/messaging/Dispatcher';
import { EventHub } from '../../../main/messaging/EventHub';
import { createGenerationHandlers } from '../../../main/engine-process/generationHandlers';
import { createModelHandlers } from '../../../main/engine-process/modelHandlers';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { expectOutcome, oracleProblems, oraclePrompt } from '../../../main/fixtures/oracleSpec';
import { ModelRegistry } from '../../../main/engine/models/ModelRegistry';
import { ensureLlamaCppTools } from '../../../main/llama-builds/llamaCppTools';
import { comparable, generationRequest } from '../engine/localEngine';
import { startLlamaServer, type LlamaServer } from './llamaServer';
import { connectRemoteEngine, runRemoteBatch } from './remoteEngine';

let server: LlamaServer;
let modelPath: string;
let registry: ModelRegistry;
let dispatcher: Dispatcher;
let modelsDir: string;
const events: EventMessage[] = [];

beforeAll(async () => {
  await ensureLlamaCppTools();
  modelPath = await ensureFixtureFile('oracle');
  server = await startLlamaServer({ modelPath, parallel: 2, alias: 'oracle' });
  modelsDir = await mkdtemp(path.join(tmpdir(), 'z1wb-remote-models-'));
  registry = new ModelRegistry({ modelsDir });
  const hub = new EventHub();
  hub.subscribe((message) => events.push(message));
  dispatcher = new Dispatcher({ ...createModelHandlers(registry, hub), ...createGenerationHandlers(registry, hub) });
}, 900_000);

afterAll(async () => {
  await registry?.dispose();
  await server?.kill();
  if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
});

let id = 0;
const call = (method: string, params: unknown) => dispatcher.handle({ type: 'request', id: ++id, method, params });

describe('a remote model through the engine API', () => {
  it('loads, renders, generates and unloads like a local one', async () => {
    const model = { source: `openai:${server.baseUrl}`, remote: { model: 'oracle' } };
    const loaded = (await call('engine.loadModel', { model })) as { result: { modelId: string; remote: unknown; parallel: number } };
    expect(loaded.result.remote).toMatchObject({ url: server.baseUrl, model: 'oracle', server: 'llama-server', maxInFlight: 2 });
    expect(loaded.result.parallel).toBe(2);
    const { modelId } = loaded.result;
    // Loading the same cell again connects once.
    expect(await call('engine.loadModel', { model })).toMatchObject({ result: { modelId } });

    const problem = oracleProblems[1]!;
    const rendered = await call('engine.renderPrompt', { modelId, prompt: { template: '{{problem}}' }, message: problem.problem });
    expect(rendered).toMatchObject({ result: { text: oraclePrompt(problem, 'plain') } });

    events.length = 0;
    const items = oracleProblems.slice(0, 4).map((p) => ({ key: p.id, problemId: p.id, sampleIndex: 0, message: p.problem }));
    const answer = await call('engine.generate', {
      batchId: 'remote-api',
      modelId,
      prompt: { template: '{{problem}}' },
      strategies: [{ strategy: 'shifted-window', window: 8 }, { strategy: 'shifted-window', window: 16 }],
      sampling: {},
      items,
    });
    expect(answer).toMatchObject({ result: { batchId: 'remote-api', completed: 4, cancelled: false } });
    const samples = events.filter((e) => e.event === 'engine.sample').map((e) => e.data as { key: string; results: Array<{ text: string }> });
    expect(samples.map((s) => s.key).sort()).toEqual(items.map((i) => i.key));
    for (const sample of samples) {
      const p = oracleProblems.find((o) => o.id === sample.key)!;
      expect(sample.results.map((r) => r.text)).toEqual(
        [8, 16].map((window) => expectOutcome(p, 'plain', { strategy: 'shifted-window', window }).text),
      );
    }

    expect(await call('engine.unloadModel', { modelId })).toMatchObject({ result: { unloaded: true } });
    expect(registry.list()).toHaveLength(0);
  });

  it('refuses "remote" settings on a local source', async () => {
    const answer = await call('engine.loadModel', { model: { source: modelPath, remote: {} } });
    expect(answer).toMatchObject({ error: { code: 'remote-settings' } });
  });
});

describe("the model's GGUF as tokenizer", () => {
  it('renders and tokenizes locally, with the same results as the server tokenizer', async () => {
    const viaGguf = await connectRemoteEngine(server.baseUrl, { tokenizer: modelPath });
    const viaServer = await connectRemoteEngine(server.baseUrl);
    try {
      expect(viaGguf.loaded.remote!.tokenizer).toBe(`gguf:${modelPath}`);
      expect(viaGguf.loaded.info.thinkDelimiters).toEqual({ open: '<think>', close: '</think>' });
      const items = oracleProblems.map((p) => ({ key: p.id, problemId: p.id, sampleIndex: 0, message: p.problem }));
      const request = generationRequest({
        prompt: { template: '{{problem}}', thinkPrefix: '<think>\n' },
        strategies: [{ strategy: 'shifted-window', window: 16 }, { strategy: 'budget-forcing', maxThinkingTokens: 24, minThinkingTokens: 30 }],
        items,
      });
      const [a, b] = await Promise.all([runRemoteBatch(viaGguf.backend, request), runRemoteBatch(viaServer.backend, request)]);
      for (const item of items) expect(a.get(item.key)!.map(comparable)).toEqual(b.get(item.key)!.map(comparable));
    } finally {
      await viaGguf.dispose();
      await viaServer.dispose();
    }
  });
});

describe('seeded sampling over the server', () => {
  it('reproduces a sample from its seed, and varies it with the sample index', async () => {
    const stochastic = await startLlamaServer({ modelPath: await ensureFixtureFile('stochastic'), parallel: 1 });
    // One request in flight: batched with others, seeded sampling may differ on near-flat distributions.
    const engine = await connectRemoteEngine(stochastic.baseUrl, { maxInFlight: 1 });
    try {
      const items = [0, 1, 0].map((sampleIndex, i) => ({ key: `k${i}`, problemId: 'q04', sampleIndex, message: oracleProblems[3]!.problem }));
      const request = generationRequest({
        prompt: { template: '{{problem}}' },
        sampling: { temperature: 1, seed: 7 },
        strategies: [{ strategy: 'unbounded', maxTokens: 200 }],
        items,
      });
      const texts = async () => {
        const samples = await runRemoteBatch(engine.backend, request);
        return items.map((item) => samples.get(item.key)![0]!.text);
      };
      const first = await texts();
      expect(await texts()).toEqual(first);
      expect(first[2]).toBe(first[0]);
      expect(first[1]).not.toBe(first[0]);
    } finally {
      await engine.dispose();
      await stochastic.kill();
    }
  });
});
