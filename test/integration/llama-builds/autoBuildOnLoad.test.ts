import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSettings } from '../../../common/settings/model';
import { disposeWorkbenchLlama } from '../../../main/engine/hardware/workbenchLlama';
import { ModelRegistry } from '../../../main/engine/models/ModelRegistry';
import { FileFingerprints } from '../../../main/fingerprints/fileFingerprint';
import { AutoNativeBuild } from '../../../main/llama-builds/AutoNativeBuild';
import { verifyFixturePath } from '../../../main/llama-builds/greedyTokens';
import { detectToolchain } from '../../../main/llama-builds/toolchain';
import { smallBuildSteps, writeSmallProject } from './smallBuild';

/**
 * When the engine starts the automatic build: at the first model load, in the background (the
 * load returns while it compiles), not on a status query, and not when the model cell says
 * "prebuilt". The build is the small ninja one (smallBuild.ts), slow until told otherwise.
 */
let dir: string;
let modelPath: string;
let job: AutoNativeBuild;
let registry: ModelRegistry;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-autoload-'));
  process.env.Z1WB_CACHE = dir; // no record of a checked native build: the decision is to prepare one
  await writeSmallProject(dir);
  modelPath = await verifyFixturePath();
  job = new AutoNativeBuild({ cacheDir: dir, steps: smallBuildSteps(dir, dir) });
  registry = new ModelRegistry({
    modelsDir: path.join(dir, 'models'),
    fingerprints: new FileFingerprints({ cacheFile: path.join(dir, 'fingerprints.json') }),
    autoBuild: job,
    threadCacheDir: dir,
  });
});

afterAll(async () => {
  job?.cancel();
  await registry?.dispose();
  await disposeWorkbenchLlama();
  delete process.env.Z1WB_CACHE;
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!detectToolchain().complete)('the automatic build and model loads', () => {
  it('is not started by a status query, nor by a model whose cell says "prebuilt"', async () => {
    const hardware = await registry.hardware();
    expect(hardware.build?.auto.state).toBe('idle');
    const loaded = await registry.load(
      modelSettings.parse({ source: modelPath, threads: 1, contextSize: 256, build: 'prebuilt' }),
    );
    expect(loaded.build?.reason).toBe('prebuilt binary, as set by the model cell');
    expect(job.running).toBe(false);
    await registry.unload(loaded.modelId);
  });

  it('starts at the first model load with "auto", in the background: the load returns while it builds', async () => {
    const loaded = await registry.load(modelSettings.parse({ source: modelPath, threads: 1, contextSize: 288 }));
    expect(job.running).toBe(true);
    expect(loaded.build?.inUse).toBe('prebuilt');
    expect(['building', 'waiting']).toContain(loaded.build?.auto.state);
    // The slow step has not finished: the model is usable while the build runs.
    expect(existsSync(path.join(dir, 'out.txt'))).toBe(false);
    expect(registry.get(loaded.modelId).llama.buildType).toBe('prebuilt');
    expect(job.cancel()).toBe(true);
    await registry.unload(loaded.modelId);
  });
});
