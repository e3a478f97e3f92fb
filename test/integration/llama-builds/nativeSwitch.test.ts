import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSettings } from '../../../common/settings/model';
import {
  disposeWorkbenchLlama,
  getWorkbenchLlama,
  verifiedNativeAddon,
} from '../../../main/engine/hardware/workbenchLlama';
import { ModelRegistry } from '../../../main/engine/models/ModelRegistry';
import { FileFingerprints } from '../../../main/fingerprints/fileFingerprint';
import { AutoNativeBuild } from '../../../main/llama-builds/AutoNativeBuild';
import { SPEED_WORKLOADS, speedProblem, speedSummary } from '../../../main/llama-builds/buildSpeed';
import {
  CHECK_VERSION,
  currentNativeAddon,
  MAX_OTHER_CORES_ENV,
  recordVerification,
  verificationOf,
  type VerificationRecord,
} from '../../../main/llama-builds/buildVerification';
import { cpuIdentity } from '../../../main/llama-builds/cpuIdentity';
import { greedyTokens, VERIFY_PROMPT, VERIFY_TOKENS, verifyFixturePath } from '../../../main/llama-builds/greedyTokens';

/**
 * Switching to a native build of the addon, on real llama.cpp: only once it passed its check (same tokens, at least as fast),
 * at a load with nothing loaded. Needs a finished native build (7+ minutes to make, so this file
 * never builds: `node --import tsx main/llama-builds/buildNative.ts addon`); skipped without one.
 */
const addon = await currentNativeAddon();
let dir: string;
let modelPath: string;
let registry: ModelRegistry;
const load = (build?: 'prebuilt') =>
  registry.load(modelSettings.parse({ source: modelPath, threads: 1, contextSize: 256, ...(build ? { build } : {}) }));

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-switch-'));
  process.env.Z1WB_CACHE = dir; // the check's record and thread choices go here, not to the user's cache
  process.env[MAX_OTHER_CORES_ENV] = '64'; // the switch is under test here, not the wait for a quiet machine
  modelPath = await verifyFixturePath();
  registry = new ModelRegistry({
    modelsDir: path.join(dir, 'models'),
    fingerprints: new FileFingerprints({ cacheFile: path.join(dir, 'fingerprints.json') }),
  });
});

afterAll(async () => {
  await registry?.dispose();
  await disposeWorkbenchLlama();
  delete process.env.Z1WB_CACHE;
  delete process.env[MAX_OTHER_CORES_ENV];
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!addon)('switching to the native build', () => {
  it('runs the prebuilt binary while the native build is unchecked, checks it (tokens and speed of both builds in child processes), then switches at the next load and generates the checked tokens', async () => {
    const before = await load();
    expect(before.build).toMatchObject({
      inUse: 'prebuilt',
      reason: 'prebuilt binary: no checked native build, and none is prepared (Z1WB_AUTO_BUILD=off)',
    });
    expect(await verifiedNativeAddon()).toBeNull();

    // The job finds the finished build and only checks it (its build step would throw).
    const job = new AutoNativeBuild({
      cacheDir: dir,
      steps: { build: () => Promise.reject(new Error('a finished build must not be built again')) },
    });
    const verdict = await job.start();
    const record = (await verificationOf(addon!, dir))!;
    expect(record.nativeTokens).toEqual(record.prebuiltTokens);
    expect(record.nativeTokens).toHaveLength(VERIFY_TOKENS);
    // Both builds timed every batch size; the verdict follows the rule on those times.
    const speed = record.speed!;
    expect(Object.keys(speed.prebuiltMs)).toEqual(SPEED_WORKLOADS.map((w) => w.key));
    expect(Object.values(speed.nativeMs).every((ms) => ms > 0)).toBe(true);
    expect(record.problem).toBe(speedProblem(speed));
    expect(verdict.state).toBe(record.problem === null ? 'ready' : 'refused');
    if (record.problem !== null) {
      // This machine's native build is slower: the switch below runs on a record of a passed check.
      expect(await verifiedNativeAddon()).toBeNull();
      await recordVerification({ ...record, verified: true, problem: null }, dir);
    }

    // Loaded models keep their binding; the next load with nothing loaded switches.
    expect((await getWorkbenchLlama()).buildType).toBe('prebuilt');
    await registry.unload(before.modelId);
    const after = await load();
    expect(after.build).toMatchObject({
      inUse: 'native',
      reason: `native build for this CPU (checked: ${VERIFY_TOKENS} greedy tokens equal the prebuilt binary's, ${speedSummary(speed)})`,
    });
    const llama = registry.get(after.modelId).llama;
    expect(llama.buildType).toBe('localBuild');
    expect(await greedyTokens(llama, modelPath, VERIFY_TOKENS, VERIFY_PROMPT)).toEqual(record.prebuiltTokens);
    await registry.unload(after.modelId);
  }, 180_000); // the check alone is six child runs, about 35 s on an idle 2-core machine

  it('the model cell\'s build: "prebuilt" wins over a checked native build', async () => {
    const loaded = await load('prebuilt');
    expect(loaded.build).toMatchObject({ inUse: 'prebuilt', reason: 'prebuilt binary, as set by the model cell' });
    expect(registry.get(loaded.modelId).llama.buildType).toBe('prebuilt');
    await registry.unload(loaded.modelId);
  });

  it('never uses a native build whose check failed, or whose check was of another file', async () => {
    const refused: VerificationRecord = {
      addon: addon!,
      verified: false,
      problem: 'token 3 differs: prebuilt 744, native 745',
      prebuiltTokens: [],
      nativeTokens: [],
      speed: null,
      checkedAt: new Date().toISOString(),
      cpu: cpuIdentity(),
      checkVersion: CHECK_VERSION,
    };
    await recordVerification(refused, dir);
    const loaded = await load();
    expect(loaded.build).toMatchObject({
      inUse: 'prebuilt',
      reason: 'prebuilt binary: the native build failed its check (token 3 differs: prebuilt 744, native 745)',
    });
    await registry.unload(loaded.modelId);

    await recordVerification(
      { ...refused, verified: true, problem: null, addon: { ...addon!, mtimeMs: addon!.mtimeMs + 1 } },
      dir,
    );
    expect(await verifiedNativeAddon()).toBeNull();
  });
});
