import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventData } from '../../../common/api/contract';
import { createModelHandlers } from '../../../main/engine-process/modelHandlers';
import { disposeWorkbenchLlama } from '../../../main/engine/hardware/workbenchLlama';
import { ModelRegistry } from '../../../main/engine/models/ModelRegistry';
import { FileFingerprints } from '../../../main/fingerprints/fileFingerprint';
import { AutoNativeBuild } from '../../../main/llama-builds/AutoNativeBuild';
import { verifyFixturePath } from '../../../main/llama-builds/greedyTokens';
import { detectToolchain } from '../../../main/llama-builds/toolchain';
import { Dispatcher } from '../../../main/messaging/Dispatcher';
import { EventHub } from '../../../main/messaging/EventHub';
import { until } from '../cli/cliProcess';
import { smallBuildSteps, writeSmallProject } from './smallBuild';

/**
 * The engine's API for the automatic build: `engine.loadModel` starts it, `engine.buildProgress`
 * events report it, `engine.cancelBuild` stops it (the build is the small ninja one).
 */
let dir: string;
let registry: ModelRegistry;
let dispatcher: Dispatcher;
const progress: Array<EventData<'engine.buildProgress'>> = [];
let nextId = 1;
const call = (method: string, params: unknown) => dispatcher.handle({ type: 'request', id: nextId++, method, params });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-autoevents-'));
  process.env.Z1WB_CACHE = dir;
  await writeSmallProject(dir);
  const job = new AutoNativeBuild({ cacheDir: dir, steps: smallBuildSteps(dir, dir) });
  registry = new ModelRegistry({
    modelsDir: path.join(dir, 'models'),
    fingerprints: new FileFingerprints({ cacheFile: path.join(dir, 'fingerprints.json') }),
    autoBuild: job,
    threadCacheDir: dir,
  });
  const events = new EventHub();
  events.subscribe((message) => {
    if (message.event === 'engine.buildProgress') progress.push(message.data as EventData<'engine.buildProgress'>);
  });
  dispatcher = new Dispatcher(createModelHandlers(registry, events, job));
});

afterAll(async () => {
  await registry?.dispose();
  await disposeWorkbenchLlama();
  delete process.env.Z1WB_CACHE;
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!detectToolchain().complete)('the automatic build through the engine API', () => {
  it('starts at engine.loadModel, reports progress events, and stops at engine.cancelBuild', async () => {
    const source = await verifyFixturePath();
    const loaded = await call('engine.loadModel', { model: { source, threads: 1, contextSize: 256 } });
    expect('result' in loaded && (loaded.result as { build: { inUse: string } }).build.inUse).toBe('prebuilt');
    await until('the first build step', () => progress.some((p) => p.line === '[1/2] CXX hello'));
    expect(progress[0]).toEqual({ target: 'addon', stage: 'done', percent: null, line: 'starting', auto: 'waiting' });
    expect(progress.find((p) => p.line === '[1/2] CXX hello')).toEqual({
      target: 'addon',
      stage: 'build',
      percent: 50,
      line: '[1/2] CXX hello',
      auto: 'building',
    });

    const cancelled = await call('engine.cancelBuild', {});
    expect(cancelled).toMatchObject({ result: { cancelled: true } });
    await until('the cancelled state', () => progress.some((p) => p.auto === 'cancelled'));
    expect(await call('engine.cancelBuild', {})).toMatchObject({ result: { cancelled: false } });
    const hardware = await call('engine.hardware', {});
    expect(hardware).toMatchObject({
      result: {
        build: {
          reason: 'prebuilt binary: the native build was cancelled; it resumes at the next start of the workbench',
          auto: { state: 'cancelled' },
        },
      },
    });
  });
});
