import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuIdentity } from '../../../main/llama-builds/cpuIdentity';
import { measureOthersLoad, waitForQuiet } from '../../../main/llama-builds/machineLoad';
import { measureBatchTimes } from '../../../main/engine/hardware/batchTimes';
import { getWorkbenchLlama } from '../../../main/engine/hardware/workbenchLlama';
import { compareSpeed, SPEED_WORKLOADS, speedFixturePath, speedProblem } from '../../../main/llama-builds/buildSpeed';
import {
  CHECK_VERSION,
  checkSummary,
  MachineBusyError,
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
/** Milliseconds per decode of each workload, in SPEED_WORKLOADS' order. */
const ms = (...times: number[]) => Object.fromEntries(SPEED_WORKLOADS.map((w, i) => [w.key, times[i]!]));
const PREBUILT_MS = ms(10, 12, 24, 180, 20);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Stand-in runs: the prebuilt side at PREBUILT_MS, the native side at `nativeMs`; records every
 * request. A stand-in machine too: each run takes 1 s of its clock and 1 s of CPU, plus what
 * `othersDuring(request index)` says other work used meanwhile.
 */
function standIn(nativeMs: Record<string, number>, nativeTokens = TOKENS, othersDuring = (_index: number) => 0) {
  const requests: GreedyRunRequest[] = [];
  const machine = { clock: 0, busy: 0 };
  const run = async (request: GreedyRunRequest) => {
    machine.clock += 1000;
    machine.busy += 1000 + othersDuring(requests.length);
    requests.push(request);
    const speedThreads = request.speedThreads ?? 2; // the child's default: the physical cores
    return request.build === 'prebuilt'
      ? { buildType: 'prebuilt', tokens: TOKENS, batchMs: PREBUILT_MS, speedThreads, cpuMs: 1000 }
      : { buildType: 'localBuild', tokens: nativeTokens, batchMs: nativeMs, speedThreads, cpuMs: 1000 };
  };
  const quiet = { sampleMs: 1, pollMs: 1, probe: { busyMs: () => machine.busy, now: () => machine.clock } };
  return { run, requests, quiet };
}

describe('the native build check (verdict on stand-in runs)', () => {
  it('uses a build with equal tokens that is at least as fast, after alternating runs of both builds', async () => {
    const { run, requests, quiet } = standIn(ms(9, 12, 24, 100, 20));
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run, quiet });
    expect(requests.map((r) => r.build)).toEqual(['prebuilt', 'native', 'prebuilt', 'native', 'prebuilt', 'native']);
    expect(requests.every((r) => r.speedModelPath?.includes('bench-') && r.speedThreads === undefined)).toBe(true);
    expect(record).toMatchObject({ verified: true, problem: null, checkVersion: CHECK_VERSION });
    expect(record.speed!.speed).toEqual(ms(10 / 9, 1, 1, 1.8, 1));
    expect(checkSummary(record)).toBe("3 greedy tokens equal the prebuilt binary's, 1.15× its speed at 2 threads");
    expect(await verificationOf(addon, dir)).toEqual(record);
  });

  it('refuses a build slower at one workload even when faster overall, naming the workload', async () => {
    const { run, quiet } = standIn(ms(10, 12, 24, 60, 25));
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run, quiet, threads: 1 });
    expect(record.verified).toBe(false);
    expect(record.problem).toBe(
      'slower here than the prebuilt binary: 1.19× its speed overall, 0.80× for single decodes 1024 tokens in (1 thread)',
    );
  });

  it('refuses a build slower overall though no workload is below 0.9', async () => {
    const { run, quiet } = standIn(ms(10.6, 12.6, 25.2, 189, 21));
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run, quiet });
    expect(record.problem).toBe(
      'slower here than the prebuilt binary: 0.95× its speed overall, 0.94× for single decodes (2 threads)',
    );
  });

  it('stops at different tokens: no speed runs, no speed verdict', async () => {
    const { run, requests, quiet } = standIn(PREBUILT_MS, [3576, 3734, 745]);
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run, quiet });
    expect(requests).toHaveLength(2);
    expect(record).toMatchObject({
      verified: false,
      problem: 'token 2 differs: prebuilt 744, native 745',
      speed: null,
    });
  });

  it('runs a run again when other work disturbed it, and records nothing while the machine stays busy', async () => {
    const once = standIn(ms(9, 12, 24, 100, 20), TOKENS, (index) => (index === 1 ? 800 : 0));
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run: once.run, quiet: once.quiet });
    expect(once.requests.map((r) => r.build)).toEqual([
      'prebuilt',
      'native', // 0.8 cores of other work: run again
      'native',
      'prebuilt',
      'native',
      'prebuilt',
      'native',
    ]);
    expect(record.verified).toBe(true);

    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'z1wb-check-busy-'));
    const always = standIn(ms(9, 12, 24, 100, 20), TOKENS, () => 1500);
    await expect(
      verifyNativeAddon(addon, { cacheDir: elsewhere, run: always.run, quiet: always.quiet }),
    ).rejects.toThrow(
      new MachineBusyError('could not compare speeds: other work kept 1.5 cores busy during the check'),
    );
    expect(always.requests).toHaveLength(3);
    expect(await verificationOf(addon, elsewhere)).toBeNull();
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('waits for a quiet machine before a run, saying what it waits for', async () => {
    // Looks at the machine: 1.5 cores busy for 1 s, then 0.1.
    const busy = [0, 1500, 1500, 1600];
    const now = [0, 1000, 1000, 2000];
    const seen: number[] = [];
    await waitForQuiet({
      maxCores: 0.3,
      sampleMs: 1,
      pollMs: 1,
      onBusy: (cores) => seen.push(cores),
      probe: { busyMs: () => busy.shift()!, now: () => now.shift()! },
    });
    expect(seen).toEqual([1.5]);
    expect(busy).toEqual([]);
  });

  it('counts a record of the older tokens-only check as no check, so the build is checked again', async () => {
    const { run, quiet } = standIn(ms(9, 12, 24, 100, 20));
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run, quiet });
    const { checkVersion: _dropped, speed: _none, ...older } = record;
    await writeFile(verificationRecordPath(dir), JSON.stringify(older));
    expect(await verificationOf(addon, dir)).toBeNull();
  });

  it('counts a check only on the CPU it ran on: a build found on another CPU is checked again', async () => {
    const { run, quiet } = standIn(ms(9, 12, 24, 100, 20));
    const record = await verifyNativeAddon(addon, { cacheDir: dir, run, quiet });
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

  it('the rule: every workload at ≥ 0.9 of the prebuilt speed and ≥ 0.97 overall', () => {
    const at = (...native: number[]) => speedProblem(compareSpeed(2, PREBUILT_MS, ms(...native)));
    expect(at(10, 12, 24, 180, 20)).toBeNull();
    expect(at(10.3, 12.3, 24.7, 185, 20.6)).toBeNull(); // 0.97 of its speed at each
    expect(at(11.2, 12, 24, 180, 20)).toMatch(/^slower here .* 0\.89× for single decodes \(2 threads\)$/);
    expect(() => compareSpeed(2, PREBUILT_MS, { decode: 10 })).toThrow('no time measured for batches of 4 tokens');
  });
});

describe('other work on the real machine', () => {
  it('counts a spinning process as about one core of other work', async () => {
    const { othersCores } = await measureOthersLoad(
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 800; while (Date.now() < end);']);
          child.once('error', reject);
          child.once('exit', () => resolve());
        }),
      () => 0,
    );
    expect(othersCores).toBeGreaterThan(0.6);
  });
});

describe('timing batches on real llama.cpp (prebuilt binary)', () => {
  it('times a decode of each workload the way the engine decodes: longer batches and deeper contexts take longer', async () => {
    const llama = await getWorkbenchLlama({ backend: 'cpu' });
    const times = await measureBatchTimes(llama, await speedFixturePath(), 1);
    expect(Object.keys(times)).toEqual(SPEED_WORKLOADS.map((w) => w.key));
    expect(times.decode!).toBeGreaterThan(0);
    expect(times.prompt256!).toBeGreaterThan(times.decode!);
    expect(times.decodeAt1024!).toBeGreaterThan(times.decode!);
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
    expect(Object.keys(run.batchMs!)).toEqual(SPEED_WORKLOADS.map((w) => w.key));
  });
});
