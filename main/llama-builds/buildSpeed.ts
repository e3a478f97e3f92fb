import { median } from '../../common/math/average';
import { ensureFixtureFile } from '../fixtures/fixtureFiles';

/**
 * The second half of a native build's check (docs/models.md, "Builds"): is it at least as fast
 * here as the prebuilt binary? Equal tokens do not make a build faster. On an Intel Xeon
 * (Sapphire Rapids) a native build decoded as fast as the prebuilt binary near the start of a
 * context but spent twice its time per token of context on attention (18 against 9 µs per
 * position at 1 thread), so branched sweeps ran at 0.89 of their ideal instead of 0.95 and long
 * thinking would run slower; on an AMD EPYC the same kind of build evaluated prompts at 1.9× the
 * prebuilt's speed. Only a measurement on the machine can tell.
 *
 * Measured (engine/hardware/batchTimes.ts, in the check's child process): the median time of one
 * decode of each workload below, decoded as the engine decodes, at the physical core count, on
 * the bench fixture (the shape of a small real model, f16, 126 MB: large enough that the matrix
 * kernels dominate).
 */
export interface SpeedWorkload {
  key: string;
  /** Tokens per decode. */
  tokens: number;
  /** Tokens already in the context before the first timed decode. */
  depth: number;
  /** Timed decodes (each after the last, so the context grows by `tokens` each time). */
  decodes: number;
  /** In words, for the verdict: "0.55× for single decodes 1024 tokens in". */
  what: string;
}

export const SPEED_WORKLOADS: readonly SpeedWorkload[] = [
  // A token of generation, and the tokens of 4 parallel samples decoded together.
  { key: 'decode', tokens: 1, depth: 8, decodes: 24, what: 'single decodes' },
  { key: 'batch4', tokens: 4, depth: 8, decodes: 12, what: 'batches of 4 tokens' },
  // A Z1 hint ("I overthought it, …") and a prompt.
  { key: 'batch16', tokens: 16, depth: 8, decodes: 6, what: 'batches of 16 tokens' },
  { key: 'prompt256', tokens: 256, depth: 8, decodes: 3, what: 'prompts of 256 tokens' },
  // Thinking goes on for thousands of tokens: attention over the context is part of every decode.
  { key: 'decodeAt1024', tokens: 1, depth: 1024, decodes: 24, what: 'single decodes 1024 tokens in' },
];
/** The context the workloads need (the deepest one ends at 1048). */
export const SPEED_CONTEXT_SIZE = 1280;

/** Milliseconds per decode, by workload key. */
export type BatchTimes = Record<string, number>;

/** A build is used when its speed over all workloads (geometric mean) is at least this share of the prebuilt's… */
export const MIN_OVERALL_SPEED = 0.97;
/** …and no workload runs below this share (a slow kernel for one shape is not averaged away). */
export const MIN_WORKLOAD_SPEED = 0.9;

export interface SpeedComparison {
  threads: number;
  prebuiltMs: BatchTimes;
  nativeMs: BatchTimes;
  /** The native build's speed as a share of the prebuilt's (prebuilt ms ÷ native ms), per workload. */
  speed: BatchTimes;
  /** Geometric mean of `speed`. */
  overall: number;
}

export function speedFixturePath(directory?: string): Promise<string> {
  return ensureFixtureFile('bench', directory ? { directory } : {});
}

/**
 * Each side's typical time per workload: the median over its runs. Runs alternate builds, so a
 * busy moment hits both sides; the median keeps one disturbed (or lucky) run from deciding.
 */
export function typicalTimes(runs: readonly BatchTimes[]): BatchTimes {
  const typical: BatchTimes = {};
  for (const { key } of SPEED_WORKLOADS) {
    const times = runs.map((run) => run[key]).filter((ms): ms is number => ms !== undefined);
    if (times.length > 0) typical[key] = median(times);
  }
  return typical;
}

export function compareSpeed(threads: number, prebuiltMs: BatchTimes, nativeMs: BatchTimes): SpeedComparison {
  const speed: BatchTimes = {};
  let logSum = 0;
  for (const { key, what } of SPEED_WORKLOADS) {
    const prebuilt = prebuiltMs[key];
    const native = nativeMs[key];
    if (!(prebuilt! > 0) || !(native! > 0)) throw new Error(`no time measured for ${what}`);
    speed[key] = prebuilt! / native!;
    logSum += Math.log(speed[key]!);
  }
  return { threads, prebuiltMs, nativeMs, speed, overall: Math.exp(logSum / SPEED_WORKLOADS.length) };
}

const times = (value: number) => `${value.toFixed(2)}×`;
const threadsIn = (threads: number) => `${threads} thread${threads === 1 ? '' : 's'}`;

/** Null when the native build is at least as fast here; otherwise why it is not used. */
export function speedProblem(comparison: SpeedComparison): string | null {
  const speed = (workload: SpeedWorkload) => comparison.speed[workload.key]!;
  const slow = SPEED_WORKLOADS.some((workload) => speed(workload) < MIN_WORKLOAD_SPEED);
  if (!slow && comparison.overall >= MIN_OVERALL_SPEED) return null;
  const worst = SPEED_WORKLOADS.reduce((a, b) => (speed(b) < speed(a) ? b : a));
  return (
    `slower here than the prebuilt binary: ${times(comparison.overall)} its speed overall, ` +
    `${times(speed(worst))} for ${worst.what} (${threadsIn(comparison.threads)})`
  );
}

/** "1.35× its speed at 2 threads" (its: the prebuilt binary's) for a build that was used. */
export function speedSummary(comparison: SpeedComparison): string {
  return `${times(comparison.overall)} its speed at ${threadsIn(comparison.threads)}`;
}
