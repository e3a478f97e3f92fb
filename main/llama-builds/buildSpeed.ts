import { median } from '../../common/math/average';
import { ensureFixtureFile } from '../fixtures/fixtureFiles';

/**
 * The second half of a native build's check (docs/models.md, "Builds"): is it at least as fast
 * here as the prebuilt binary? Equal tokens do not make a build faster. On an Intel Xeon
 * (Sapphire Rapids) the native build decoded single tokens at 0.63× and batches of 16 at 0.78×
 * the prebuilt's speed, and branched sweeps (whose hints and parallel answers are short batches)
 * ran at 0.89 of their ideal instead of 0.95; on an AMD EPYC the same kind of build evaluated
 * prompts at 1.9× the prebuilt's speed. Only a measurement on the machine can tell.
 *
 * Measured (engine/hardware/batchTimes.ts, in the check's child process): the median time of one
 * decode of each batch size the engine evaluates, at the physical core count, on the bench
 * fixture (the shape of a small real model, f16, 126 MB: large enough that the matrix kernels
 * dominate).
 */

/** Token batches: a decode, 4 parallel samples, a Z1 hint, a prompt. */
export const SPEED_BATCHES = [1, 4, 16, 256] as const;
/** Milliseconds per decode, by batch size in tokens. */
export type BatchTimes = Record<string, number>;

/** A build is used when its speed over all batch sizes (geometric mean) is at least this share of the prebuilt's… */
export const MIN_OVERALL_SPEED = 0.97;
/** …and no batch size runs below this share (a slow kernel for one shape is not averaged away). */
export const MIN_BATCH_SPEED = 0.9;

export interface SpeedComparison {
  threads: number;
  prebuiltMs: BatchTimes;
  nativeMs: BatchTimes;
  /** The native build's speed as a share of the prebuilt's (prebuilt ms ÷ native ms), per batch size. */
  speed: BatchTimes;
  /** Geometric mean of `speed`. */
  overall: number;
}

export function speedFixturePath(directory?: string): Promise<string> {
  return ensureFixtureFile('bench', directory ? { directory } : {});
}

/**
 * Each side's typical time per size: the median over its runs. Runs alternate builds, so a busy
 * moment hits both sides; the median keeps one disturbed (or lucky) run from deciding.
 */
export function typicalTimes(runs: readonly BatchTimes[]): BatchTimes {
  const typical: BatchTimes = {};
  for (const size of SPEED_BATCHES) {
    const times = runs.map((run) => run[size]).filter((ms): ms is number => ms !== undefined);
    if (times.length > 0) typical[size] = median(times);
  }
  return typical;
}

export function compareSpeed(threads: number, prebuiltMs: BatchTimes, nativeMs: BatchTimes): SpeedComparison {
  const speed: BatchTimes = {};
  let logSum = 0;
  for (const size of SPEED_BATCHES) {
    const prebuilt = prebuiltMs[size];
    const native = nativeMs[size];
    if (!(prebuilt! > 0) || !(native! > 0)) throw new Error(`no time measured for batches of ${size} tokens`);
    speed[size] = prebuilt! / native!;
    logSum += Math.log(speed[size]!);
  }
  return { threads, prebuiltMs, nativeMs, speed, overall: Math.exp(logSum / SPEED_BATCHES.length) };
}

const times = (value: number) => `${value.toFixed(2)}×`;

/** Null when the native build is at least as fast here; otherwise why it is not used. */
export function speedProblem(comparison: SpeedComparison): string | null {
  const slow = SPEED_BATCHES.filter((size) => comparison.speed[size]! < MIN_BATCH_SPEED);
  if (slow.length === 0 && comparison.overall >= MIN_OVERALL_SPEED) return null;
  const worst = SPEED_BATCHES.reduce((a, b) => (comparison.speed[b]! < comparison.speed[a]! ? b : a));
  return (
    `slower here than the prebuilt binary: ${times(comparison.overall)} its speed overall, ` +
    `${times(comparison.speed[worst]!)} at batches of ${worst} token${worst === 1 ? '' : 's'} ` +
    `(${comparison.threads} thread${comparison.threads === 1 ? '' : 's'})`
  );
}

/** "1.35× its speed at 2 threads" (its: the prebuilt binary's) for a build that was used. */
export function speedSummary(comparison: SpeedComparison): string {
  return `${times(comparison.overall)} its speed at ${comparison.threads} thread${comparison.threads === 1 ? '' : 's'}`;
}
