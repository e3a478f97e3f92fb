import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/messages';
import { modelSettings, type ModelSettings } from '../../../common/settings/model';
import { Dispatcher } from '../../../main/messaging/Dispatcher';
import { createModelHandlers } from '../../../main/engine-process/modelHandlers';
import { disposeWorkbenchLlama } from '../../../main/engine/hardware/workbenchLlama';
import { FileFingerprints } from '../../../main/fingerprints/fileFingerprint';
import { ModelRegistry } from '../../../main/engine/models/ModelRegistry';
import { tinyLlama, writeGguf } from '../../unit/models/ggufTestFiles';

let dir: string;
let tiny: string;
let huge: string;
let registry: ModelRegistry;

const settings = (overrides: Partial<ModelSettings>): ModelSettings =>
  modelSettings.parse({ source: tiny, threads: 1, contextSize: 256, ...overrides });

async function loadError(r: ModelRegistry, s: ModelSettings): Promise<ApiError> {
  const error = await r.load(s).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-registry-'));
  tiny = path.join(dir, 'tiny.gguf');
  huge = path.join(dir, 'huge.gguf');
  await writeGguf(tiny, tinyLlama());
  await writeGguf(huge, tinyLlama({ widthFactor: 1024 })); // ~44 GB claimed, sparse on disk
  registry = new ModelRegistry({
    modelsDir: path.join(dir, 'models'),
    fingerprints: new FileFingerprints({ cacheFile: path.join(dir, 'fingerprints.json') }),
  });
});

afterAll(async () => {
  await registry?.dispose();
  await disposeWorkbenchLlama();
  await rm(dir, { recursive: true, force: true });
});

describe('loading models into the engine', () => {
  it('reports the machine: CPU backend here, physical cores, and the thread default', async () => {
    const hardware = await registry.hardware();
    expect(hardware.backend).toBe('cpu');
    expect(['prebuilt', 'localBuild']).toContain(hardware.buildType);
    expect(hardware.physicalCores).toBeGreaterThanOrEqual(1);
    expect(hardware.defaultThreads).toBe(Math.min(hardware.physicalCores, os.availableParallelism()));
    expect(hardware.ramBytes).toBe(os.totalmem());
  });

  it('loads a GGUF with the requested threads and parallel sequences, and the generation seam finds it', async () => {
    const loaded = await registry.load(settings({ parallel: 2 }));
    expect(loaded).toMatchObject({
      backend: 'cpu',
      gpuLayersOffloaded: 0,
      totalLayers: 2,
      threads: 1,
      parallel: 2,
      info: { architecture: 'llama', path: tiny },
    });
    expect(loaded.contextSize).toBeGreaterThanOrEqual(256);
    expect(loaded.info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.estimatedBytes.ram).toBeGreaterThan(0);

    const seam = registry.get(loaded.modelId);
    expect(seam.context.totalSequences).toBe(2);
    expect(seam.context.idealThreads).toBe(1);
    const sequence = seam.context.getSequence();
    const tokens = seam.model.tokenize('hi');
    const generated = [];
    for await (const token of sequence.evaluate(tokens)) {
      generated.push(token);
      if (generated.length === 3) break;
    }
    expect(generated).toHaveLength(3);
    sequence.dispose();

    // Same settings, same model: no second copy.
    expect((await registry.load(settings({ parallel: 2 }))).modelId).toBe(loaded.modelId);
    expect(registry.list()).toHaveLength(1);
  });

  it('refuses to switch backends while a model is loaded (backend-conflict)', async () => {
    const error = await loadError(registry, settings({ backend: 'vulkan', contextSize: 128 }));
    expect(error.code).toBe('backend-conflict');
    expect(error.message).toContain('vulkan');
  });

  it('frees a model on unload, after which the seam says unknown-model', async () => {
    const loaded = await registry.load(settings({ parallel: 1 }));
    expect(await registry.unload(loaded.modelId)).toBe(true);
    expect(await registry.unload(loaded.modelId)).toBe(false);
    expect(() => registry.get(loaded.modelId)).toThrow(expect.objectContaining({ code: 'unknown-model' }));
  });

  it('refuses, before loading or hashing, a model whose header claims more memory than the machine has', async () => {
    const fingerprints = new FileFingerprints({ cacheFile: path.join(dir, 'fingerprints-huge.json') });
    const guarded = new ModelRegistry({ modelsDir: dir, fingerprints });
    const started = performance.now();
    const error = await loadError(guarded, settings({ source: huge }));
    expect(error.code).toBe('model-too-large');
    expect(error.message).toContain(huge);
    expect(error.message).toMatch(/needs ~\d+(\.\d+)? GiB RAM .* with \d+(\.\d+)? GiB available/);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(fingerprints.hashedFiles).toBe(0);
  });

  it('refuses a small model when the memory budget is smaller than its estimate, with the numbers', async () => {
    const tight = new ModelRegistry({ modelsDir: dir, memoryBudget: { ramBytes: 64 * 1024 } });
    const error = await loadError(tight, settings({ contextSize: 512 }));
    expect(error.code).toBe('model-too-large');
    expect(error.message).toContain('with 64.0 KiB available');
    expect(error.message).toContain('context 512 tokens × 1 sequence');
  });

  it('answers the engine API with error codes: missing file, unknown model', async () => {
    const dispatcher = new Dispatcher(createModelHandlers(registry));
    const missing = path.join(dir, 'missing.gguf');
    const inspect = await dispatcher.handle({ type: 'request', id: 1, method: 'engine.inspectModel', params: { path: missing } });
    expect(inspect).toMatchObject({ error: { code: 'model-not-found' } });
    expect(JSON.stringify(inspect)).toContain(missing);
    const info = await dispatcher.handle({ type: 'request', id: 2, method: 'engine.inspectModel', params: { path: tiny } });
    expect(info).toMatchObject({ result: { architecture: 'llama', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const load = await dispatcher.handle({
      type: 'request',
      id: 3,
      method: 'engine.loadModel',
      params: { model: { source: path.join(dir, 'nothing.gguf'), threads: 1 } },
    });
    expect(load).toMatchObject({ error: { code: 'model-not-found' } });
    const suggested = await dispatcher.handle({ type: 'request', id: 4, method: 'engine.suggestedModels', params: {} });
    expect(JSON.stringify(suggested)).toContain('hf:');
  });

  it('says backend-unavailable for a backend this machine does not have', async () => {
    await registry.dispose();
    const error = await loadError(registry, settings({ backend: process.platform === 'darwin' ? 'cuda' : 'metal' }));
    expect(error.code).toBe('backend-unavailable');
    // The default backend still works afterwards.
    const loaded = await registry.load(settings({}));
    expect(loaded.backend).toBe('cpu');
  });
});
