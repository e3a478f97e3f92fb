import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  compareSpeed,
  speedFixturePath,
  speedProblem,
  speedSummary,
  typicalTimes,
  type SpeedComparison,
} from './buildSpeed';
import { cpuIdentity } from './cpuIdentity';
import { measureOthersLoad, systemLoad, waitForQuiet, type QuietOptions } from './machineLoad';
import { greedyTokensInChild, verifyFixturePath, type GreedyRun, type GreedyRunRequest } from './greedyTokens';
import { workbenchCacheDir } from './llamaCppSource';
import { nativeAddonFile, nativeAddonStatus } from './nativeAddonBuild';

/**
 * The check a native build of the addon passes before the workbench uses it on its own: a short
 * greedy generation on a fixture model gives exactly the prebuilt binary's tokens, and it is at
 * least as fast here as the prebuilt binary (buildSpeed.ts). The result is kept per addon file
 * (folder, size, modification time), so a rebuilt addon is checked again and a build that failed
 * its check is not retried at every model load.
 */
export interface AddonIdentity {
  folder: string;
  size: number;
  mtimeMs: number;
}

export interface VerificationRecord {
  addon: AddonIdentity;
  verified: boolean;
  /** Why it was refused (tokens differ, the check crashed); null when verified. */
  problem: string | null;
  prebuiltTokens: number[];
  nativeTokens: number[];
  /** Both builds' batch times; null when the tokens differed or a run failed first. */
  speed: SpeedComparison | null;
  checkedAt: string;
  /** The CPU the check ran on (cpuIdentity.ts): on another CPU the build is checked again. */
  cpu: string;
  /** Records of an older check (tokens only) count as no check: the build is checked again. */
  checkVersion: number;
}

export const CHECK_VERSION = 2;
/** Each build runs this many times, alternating (about 4 s a run on a 2-core VM). */
const SPEED_RUNS = 3;
/** A run during which other work kept this many cores busy is not a measurement (machineLoad.ts)… */
const MAX_OTHER_CORES = 0.3;
/** …and is run again, up to this many times, before the check gives up for now. */
const ATTEMPTS = 3;
/** How much other work the check tolerates (tests of the switch, not of speed, raise it). */
export const MAX_OTHER_CORES_ENV = 'Z1WB_CHECK_MAX_OTHER_CORES';

/** The machine stayed busy through the speed check: nothing is recorded, the next start checks again. */
export class MachineBusyError extends Error {}
const RECORD_FILE = 'native-addon-check.json';

export function verificationRecordPath(cacheDir = workbenchCacheDir()): string {
  return path.join(cacheDir, RECORD_FILE);
}

/** The finished native build of the addon as a file identity; null when there is none. */
export async function currentNativeAddon(): Promise<AddonIdentity | null> {
  const status = await nativeAddonStatus();
  if (!status.available || !status.folder) return null;
  const info = await stat(nativeAddonFile(status.folder)).catch(() => null);
  return info ? { folder: status.folder, size: info.size, mtimeMs: info.mtimeMs } : null;
}

function sameAddon(a: AddonIdentity, b: AddonIdentity): boolean {
  return a.folder === b.folder && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The check's result for this very addon file on this CPU; null when it was never checked so. */
export async function verificationOf(
  addon: AddonIdentity,
  cacheDir = workbenchCacheDir(),
  cpu = cpuIdentity(),
): Promise<VerificationRecord | null> {
  const text = await readFile(verificationRecordPath(cacheDir), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const record = JSON.parse(text) as VerificationRecord;
    const current = record.checkVersion === CHECK_VERSION && record.cpu === cpu;
    return current && record.addon && sameAddon(record.addon, addon) ? record : null;
  } catch {
    return null; // A torn write is a missing check: it runs again.
  }
}

export interface VerifyOptions {
  cacheDir?: string;
  signal?: AbortSignal;
  /** Runs the generation on one build (default: a child Node process). */
  run?: (request: GreedyRunRequest) => Promise<GreedyRun>;
  /** Where the fixture models are cached (default: with the other fixtures). */
  fixtureDir?: string;
  /** Threads of the speed comparison (default: the child's choice, the physical cores, the engine's most). */
  threads?: number;
  /** What the check is waiting for, in words (a busy machine). */
  onMessage?: (message: string) => void;
  /** Overrides of the quiet-machine wait (tests: a stand-in probe, short looks). */
  quiet?: Partial<Pick<QuietOptions, 'maxCores' | 'sampleMs' | 'pollMs' | 'probe'>>;
}

function maxOtherCores(options: VerifyOptions): number {
  const fromEnv = Number(process.env[MAX_OTHER_CORES_ENV]);
  return options.quiet?.maxCores ?? (fromEnv > 0 ? fromEnv : MAX_OTHER_CORES);
}

/**
 * Runs the check for `addon` and records its result (written whole: temp file, then rename).
 * Each run waits for a quiet machine and is run again when other work disturbed it. Cancelling,
 * or a machine that stays busy (MachineBusyError), throws and records nothing.
 */
export async function verifyNativeAddon(
  addon: AddonIdentity,
  options: VerifyOptions = {},
): Promise<VerificationRecord> {
  const run = options.run ?? greedyTokensInChild;
  const modelPath = await verifyFixturePath(options.fixtureDir);
  const speedModelPath = await speedFixturePath(options.fixtureDir);
  const signal = options.signal;
  const extra = { ...(options.threads ? { speedThreads: options.threads } : {}), ...(signal ? { signal } : {}) };
  const maxCores = maxOtherCores(options);
  const probe = options.quiet?.probe ?? systemLoad;
  const quiet: QuietOptions = {
    maxCores,
    sampleMs: options.quiet?.sampleMs ?? 1000,
    pollMs: options.quiet?.pollMs ?? 5000,
    probe,
    ...(signal ? { signal } : {}),
    onBusy: (cores) =>
      options.onMessage?.(
        `waiting for a quiet machine to compare speeds (other work keeps ${cores.toFixed(1)} cores busy)`,
      ),
  };
  const quietRun = async (build: 'prebuilt' | 'native'): Promise<GreedyRun> => {
    let disturbed = 0;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      await waitForQuiet(quiet);
      const request = { build, modelPath, speedModelPath, ...extra };
      const { result, othersCores } = await measureOthersLoad(
        () => run(request),
        (r) => r.cpuMs ?? 0,
        probe,
      );
      if (othersCores < maxCores) return result;
      disturbed = othersCores;
    }
    throw new MachineBusyError(
      `could not compare speeds: other work kept ${disturbed.toFixed(1)} cores busy during the check`,
    );
  };
  const record: VerificationRecord = {
    addon,
    verified: false,
    problem: null,
    prebuiltTokens: [],
    nativeTokens: [],
    speed: null,
    checkedAt: new Date().toISOString(),
    cpu: cpuIdentity(),
    checkVersion: CHECK_VERSION,
  };
  try {
    const runs: Record<'prebuilt' | 'native', GreedyRun[]> = { prebuilt: [], native: [] };
    for (let i = 0; i < SPEED_RUNS && record.problem === null; i++) {
      for (const build of ['prebuilt', 'native'] as const) {
        runs[build].push(await quietRun(build));
      }
      record.prebuiltTokens = runs.prebuilt[0]!.tokens;
      record.nativeTokens = runs.native[0]!.tokens;
      record.problem = compareRuns(runs.prebuilt[i]!, runs.native[i]!);
    }
    if (record.problem === null) {
      const times = (side: GreedyRun[]) => typicalTimes(side.map((r) => r.batchMs ?? {}));
      const threads = runs.native[0]!.speedThreads ?? options.threads ?? 0;
      record.speed = compareSpeed(threads, times(runs.prebuilt), times(runs.native));
      record.problem = speedProblem(record.speed);
    }
  } catch (error) {
    if (signal?.aborted) throw new Error('the check of the native build was cancelled');
    if (error instanceof MachineBusyError) throw error;
    record.problem = error instanceof Error ? error.message : String(error);
  }
  record.verified = record.problem === null;
  await recordVerification(record, options.cacheDir);
  return record;
}

/** Keeps a check's verdict (written whole: a temp file, then a rename). */
export async function recordVerification(record: VerificationRecord, cacheDir = workbenchCacheDir()): Promise<void> {
  const file = verificationRecordPath(cacheDir);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.${process.pid}.tmp`, JSON.stringify(record, null, 2) + '\n');
  await rename(`${file}.${process.pid}.tmp`, file);
}

/** What a passed check found, for the status line: "24 greedy tokens equal the prebuilt binary's, 1.35× its speed at 2 threads". */
export function checkSummary(record: VerificationRecord): string {
  const tokens = `${record.nativeTokens.length} greedy tokens equal the prebuilt binary's`;
  return record.speed ? `${tokens}, ${speedSummary(record.speed)}` : tokens;
}

/** Null when the native run is a real native build and produced the prebuilt's tokens; else why not. */
export function compareRuns(prebuilt: GreedyRun, native: GreedyRun): string | null {
  if (native.buildType !== 'localBuild') return `the native check ran on the ${native.buildType} binary`;
  if (prebuilt.tokens.length === 0) return 'the prebuilt binary generated no tokens';
  const length = Math.max(prebuilt.tokens.length, native.tokens.length);
  for (let i = 0; i < length; i++) {
    if (prebuilt.tokens[i] !== native.tokens[i]) {
      return `token ${i} differs: prebuilt ${prebuilt.tokens[i] ?? 'none'}, native ${native.tokens[i] ?? 'none'}`;
    }
  }
  return null;
}
