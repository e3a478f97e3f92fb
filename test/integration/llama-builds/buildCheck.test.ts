import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuIdentity } from '../../../main/llama-builds/cpuIdentity';
import { measureBatchTimes } from '../../../main/engine/hardware/batchTimes';
import { getWorkbenchLlama } from '../../../main/engine/hardware/workbenchLlama';
import { compareSpeed, SPEED_BATCHES, speedFixturePath, speedProblem } from '../../../main/llama-builds/buildSpeed';
import {
  CHECK_VERSION,
  checkSummary,
  verificationOf,
  verificationRecordPath,
  verifyNativeAddon,
} from '../../../main/llama-builds/buildVerification';
import {
  greedyTokensInChild,
  VERIFY_TOKENS,
  verifyFixturePath,
  type GreedyRunRequest,
} from '../../../main/llama-builds/greedyTokens';

/**
 * The check a native build passes before the workbench uses it: the same greedy tokens as the
 * prebuilt binary and at least its speed here (docs/models.md, "Builds"). The verdict logic runs
 * on stand-in runs (a native build takes 7+ minutes to make and CI has none); the timing and the
 * child process run for real on the prebuilt binary.
 */
let dir: string;
const addon = { folder: 'linux-x64-test', size: 1, mtimeMs: 1 };
const TOKENS = [3576, 3734, 744];
const PREBUILT_MS = { 1: 10, 4: 12, 16: 24, 256: 180 };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Stand-in runs: the prebuilt side at PREBUILT_MS, the native side at `nativeMs`; records every request. */
function standIn(nativeMs: Record<number, number>, nativeTokens = TOKENS) {
  const requests: GreedyRunRequest[] = [];
  const run = async (request: GreedyRunRequest) => {
    requests.push(request);
    const speedThreads = request.speedThreads ?? 2; // the child's default: the physical cores
    return request.build === 'prebuilt'
      ? { buildType: 'prebuilt', tokens: TOKENS, batchMs: PREBUILT_MS, speedThreads }
      : { buildType: 'localBuild', tokens: nativeTokens, batchMs: nativeMs, speedThreads };
  };
  return { run, requests };
}

describe('the native build check (verdict on stand-in runs)', () => {
  it('uses a build with equal tokens that is at least as fast, after alternating runs of both builds', async () => {
    const { run, requests } = standIn({ 1: 9, 4: 12, 16: 24, 256: 100 });
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run });
    expect(requests.map((r) => r.build)).toEqual(['prebuilt', 'native', 'prebuilt', 'native', 'prebuilt', 'native']);
    expect(requests.every((r) => r.speedModelPath?.includes('bench-') && r.speedThreads === undefined)).toBe(true);
    expect(record).toMatchObject({ verified: true, problem: null, checkVersion: CHECK_VERSION });
    expect(record.speed!.speed).toEqual({ 1: 10 / 9, 4: 1, 16: 1, 256: 1.8 });
    expect(checkSummary(record)).toBe("3 greedy tokens equal the prebuilt binary's, 1.19× its speed at 2 threads");
    expect(await verificationOf(addon, dir)).toEqual(record);
  });

  it('refuses a build slower at one batch size even when faster overall, naming the size', async () => {
    const { run } = standIn({ 1: 10, 4: 12, 16: 30, 256: 60 });
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run, threads: 1 });
    expect(record.verified).toBe(false);
    expect(record.problem).toBe(
      'slower here than the prebuilt binary: 1.24× its speed overall, 0.80× at batches of 16 tokens (1 thread)',
    );
  });

  it('refuses a build slower overall though no size is below 0.9', async () => {
    const { run } = standIn({ 1: 10.6, 4: 12.6, 16: 25.2, 256: 189 });
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run });
    expect(record.problem).toBe(
      'slower here than the prebuilt binary: 0.95× its speed overall, 0.94× at batches of 1 token (2 threads)',
    );
  });

  it('stops at different tokens: no speed runs, no speed verdict', async () => {
    const { run, requests } = standIn(PREBUILT_MS, [3576, 3734, 745]);
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run });
    expect(requests).toHaveLength(2);
    expect(record).toMatchObject({
      verified: false,
      problem: 'token 2 differs: prebuilt 744, native 745',
      speed: null,
    });
  });

  it('counts a record of the older tokens-only check as no check, so the build is checked again', async () => {
    const { run } = standIn({ 1: 9, 4: 12, 16: 24, 256: 100 });
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run });
    const { checkVersion: _dropped, speed: _none, ...older } = record;
    await writeFile(verificationRecordPath(dir), JSON.stringify(older));
    expect(await verificationOf(addon, dir)).toBeNull();
  });

  it('counts a check only on the CPU it ran on: a build found on another CPU is checked again', async () => {
    const { run } = standIn({ 1: 9, 4: 12, 16: 24, 256: 100 });
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run });
    expect(record.cpu).toBe(cpuIdentity());
    expect(await verificationOf(addon, dir)).toEqual(record);
    expect(await verificationOf(addon, dir, 'AMD EPYC / x64 / flags 0123456789ab')).toBeNull();
  });

  it('tells CPUs apart by their instruction-set flags (VMs often share a model name), in any order', () => {
    const info = (flags: string) => `processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t\t: ${flags}\n`;
    const spr = cpuIdentity(info('fpu sse2 avx2 avx512f amx_tile'));
    expect(cpuIdentity(info('amx_tile avx512f avx2 sse2 fpu'))).toBe(spr);
    expect(cpuIdentity(info('fpu sse2 avx2 avx512f'))).not.toBe(spr);
    expect(spr).toMatch(/ \/ flags [0-9a-f]{12}$/);
    expect(cpuIdentity(null)).not.toContain('flags');
  });

  it('the rule: every size at ≥ 0.9 of the prebuilt speed and ≥ 0.97 overall', () => {
    const at = (native: number[]) =>
      speedProblem(compareSpeed(2, PREBUILT_MS, Object.fromEntries(SPEED_BATCHES.map((s, i) => [s, native[i]!]))));
    expect(at([10, 12, 24, 180])).toBeNull();
    expect(at([10.3, 12.3, 24.7, 185])).toBeNull(); // 0.97 of its speed at each size
    expect(at([11.2, 12, 24, 180])).toMatch(/^slower here .* 0\.89× at batches of 1 token/);
    expect(() => compareSpeed(2, PREBUILT_MS, { 1: 10 })).toThrow('no time measured for batches of 4 tokens');
  });
});

describe('timing batches on real llama.cpp (prebuilt binary)', () => {
  it('times a decode of each batch size the way the engine decodes, longer batches taking longer', async () => {
    const llama = await getWorkbenchLlama({ backend: 'cpu' });
    const ms = await measureBatchTimes(llama, await speedFixturePath(), 1);
    expect(Object.keys(ms)).toEqual(SPEED_BATCHES.map(String));
    expect(ms[1]!).toBeGreaterThan(0);
    expect(ms[256]!).toBeGreaterThan(ms[1]!);
  });

  it('the check child prints its tokens and the batch times at the threads asked for', async () => {
    const run = await greedyTokensInChild({
      build: 'prebuilt',
      modelPath: await verifyFixturePath(),
      speedModelPath: await speedFixturePath(),
      speedThreads: 1,
    });
    expect(run.buildType).toBe('prebuilt');
    expect(run.tokens).toHaveLength(VERIFY_TOKENS);
    expect(run.speedThreads).toBe(1);
    expect(Object.keys(run.batchMs!)).toEqual(SPEED_BATCHES.map(String));
  });
});
