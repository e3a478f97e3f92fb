import { describe, expect, it } from 'vitest';
import type { AutoBuildStatus } from '../../../main/llama-builds/AutoNativeBuild';
import type { VerificationRecord } from '../../../main/llama-builds/buildVerification';
import { cpuIdentity } from '../../../main/llama-builds/cpuIdentity';
import { buildReport, type BuildSituation } from '../../../main/llama-builds/buildStatus';
import { CHECK_VERSION, compareRuns } from '../../../main/llama-builds/buildVerification';
import { compareSpeed } from '../../../main/llama-builds/buildSpeed';

const idle: AutoBuildStatus = { state: 'idle', stage: null, percent: null, message: '' };
const tools = {
  complete: true,
  found: { cmake: '/usr/bin/cmake', compiler: '/usr/bin/c++', git: '/usr/bin/git' },
  missing: [],
  installCommand: null,
};
const checked = (verified: boolean): VerificationRecord => ({
  addon: { folder: 'linux-x64-abc', size: 1, mtimeMs: 1 },
  verified,
  problem: verified ? null : 'token 3 differs: prebuilt 744, native 745',
  prebuiltTokens: [1, 2, 3],
  nativeTokens: [1, 2, 3],
  speed: verified
    ? compareSpeed(
        2,
        { decode: 10, batch4: 12, batch16: 20, prompt256: 200, decodeAt1024: 20 },
        { decode: 10, batch4: 12, batch16: 10, prompt256: 100, decodeAt1024: 20 },
      )
    : null,
  checkedAt: '2026-12-05T00:00:00.000Z',
  cpu: cpuIdentity(),
  checkVersion: CHECK_VERSION,
});
const base: BuildSituation = {
  setting: 'auto',
  settingFrom: 'the default',
  backend: 'cpu',
  inUse: 'prebuilt',
  nativeAvailable: false,
  verification: null,
  toolchain: tools,
  job: idle,
};
const report = (change: Partial<BuildSituation>) => buildReport({ ...base, ...change });

describe('which build runs, why, and whether to prepare the native one', () => {
  it('prepares a native build on a CPU-only machine with a toolchain and none built', () => {
    expect(report({})).toEqual({
      inUse: 'prebuilt',
      reason: 'prebuilt binary while a native build for this CPU is prepared (starting)',
      startAutoBuild: true,
      installCommand: null,
    });
  });

  it('names what is missing and the one command that installs it, and does not start', () => {
    const missing = {
      ...tools,
      complete: false,
      missing: ['cmake', 'git'],
      installCommand: 'apt-get install -y cmake git',
    };
    expect(report({ toolchain: missing })).toEqual({
      inUse: 'prebuilt',
      reason: 'prebuilt binary: a native build for this CPU needs cmake, git (install: apt-get install -y cmake git)',
      startAutoBuild: false,
      installCommand: 'apt-get install -y cmake git',
    });
  });

  it('keeps the prebuilt GPU binary, and honours "prebuilt" wherever it was set', () => {
    expect(report({ backend: 'cuda' })).toMatchObject({
      reason:
        'prebuilt CUDA binary: a GPU machine keeps it (backend "cpu" with build "native" uses a build for this CPU instead)',
      startAutoBuild: false,
    });
    expect(report({ setting: 'prebuilt', settingFrom: 'Z1WB_LLAMA_BUILD' })).toMatchObject({
      reason: 'prebuilt binary, as set by Z1WB_LLAMA_BUILD',
      startAutoBuild: false,
    });
  });

  it('checks a finished build before use, reports progress while preparing, and says why a build is not used', () => {
    expect(report({ nativeAvailable: true })).toMatchObject({
      reason: 'prebuilt binary while the native build for this CPU is checked before use',
      startAutoBuild: true,
    });
    expect(report({ job: { state: 'building', stage: 'build', percent: 45, message: '[45/100] …' } })).toMatchObject({
      reason: 'prebuilt binary while a native build for this CPU is prepared (45% built)',
      startAutoBuild: false,
    });
    expect(report({ nativeAvailable: true, verification: checked(false) })).toMatchObject({
      reason: 'prebuilt binary: the native build failed its check (token 3 differs: prebuilt 744, native 745)',
      startAutoBuild: false,
    });
    const slower = { ...checked(false), problem: 'slower here than the prebuilt binary: 0.78× its speed overall' };
    expect(report({ nativeAvailable: true, verification: slower })).toMatchObject({
      reason:
        'prebuilt binary: the native build failed its check (slower here than the prebuilt binary: 0.78× its speed overall)',
      startAutoBuild: false,
    });
    expect(report({ nativeAvailable: true, verification: checked(true) })).toMatchObject({
      reason: 'prebuilt binary: the checked native build is used from the next model load with no model loaded',
      startAutoBuild: false,
    });
    expect(report({ job: { ...idle, state: 'cancelled' } })).toMatchObject({
      reason: 'prebuilt binary: the native build was cancelled; it resumes at the next start of the workbench',
      startAutoBuild: false,
    });
  });

  it('says a native build runs and why', () => {
    expect(report({ inUse: 'native', nativeAvailable: true, verification: checked(true) }).reason).toBe(
      "native build for this CPU (checked: 3 greedy tokens equal the prebuilt binary's, 1.32× its speed at 2 threads)",
    );
    expect(report({ inUse: 'native', setting: 'native', settingFrom: 'the model cell' }).reason).toBe(
      'native build for this CPU, as set by the model cell',
    );
  });
});

describe('comparing the check runs', () => {
  it('passes equal tokens from a real native build only', () => {
    expect(
      compareRuns({ buildType: 'prebuilt', tokens: [5, 6] }, { buildType: 'localBuild', tokens: [5, 6] }),
    ).toBeNull();
    expect(compareRuns({ buildType: 'prebuilt', tokens: [5, 6] }, { buildType: 'localBuild', tokens: [5, 7] })).toBe(
      'token 1 differs: prebuilt 6, native 7',
    );
    expect(compareRuns({ buildType: 'prebuilt', tokens: [5, 6] }, { buildType: 'localBuild', tokens: [5] })).toBe(
      'token 1 differs: prebuilt 6, native none',
    );
    expect(compareRuns({ buildType: 'prebuilt', tokens: [5] }, { buildType: 'prebuilt', tokens: [5] })).toBe(
      'the native check ran on the prebuilt binary',
    );
    expect(compareRuns({ buildType: 'prebuilt', tokens: [] }, { buildType: 'localBuild', tokens: [] })).toBe(
      'the prebuilt binary generated no tokens',
    );
  });
});
