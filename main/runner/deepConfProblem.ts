import type { SampleRecord } from '../../common/api/contract/runs';
import type { DeepConfSettings } from '../../common/settings/strategy';
import {
  stoppingThreshold,
  weightedVote,
  type ConfidenceMeasure,
  type VoteOutcome,
} from '../../common/signals/deepConfVote';

/** One generated trace of a problem, as the online procedure reads it back from the run. */
export interface DeepConfTrace {
  readonly sampleIndex: number;
  /** The grader's key of the extracted answer; null: none. */
  readonly answerKey: string | null;
  readonly correct: boolean;
  /** Lowest sliding-window group confidence: what the warm-up threshold is a percentile of. */
  readonly lowest: number | null;
  /** The confidence under the vote's measure: the trace's weight. */
  readonly confidence: number | null;
  /** The online filter stopped it (stop reason 'low-confidence'): it votes with no weight. */
  readonly stopped: boolean;
}

/**
 * Stored signal summaries are rounded to 1e-6 (main/runner/sampleRecord.ts), and the threshold is
 * a percentile of them: a window whose mean is the threshold up to that rounding equals it and
 * does not stop the trace, so the engine is asked to stop below the threshold minus this.
 */
export const STORED_SUMMARY_PRECISION = 1e-6;

export interface DeepConfProblemState {
  /** Warm-up traces: the first min(N_init, samples) sample indices, generated in full. */
  readonly warmup: number;
  /** The stopping threshold s, once the warm-up is complete (null before, or without confidences). */
  readonly threshold: number | null;
  /** What the engine stops later traces below: the threshold less the stored summaries' rounding. */
  readonly stopBelow: number | null;
  /** The confidence-weighted vote over the traces so far: DeepConf's answer to the problem. */
  readonly vote: VoteOutcome;
  /** Sample indices to generate next: the missing warm-up traces, or the next trace; empty when settled. */
  readonly next: number[];
  /** Why sampling goes on or ended. */
  readonly phase: 'warm-up' | 'sampling' | 'consensus' | 'all-traces';
}

const MEASURE_FIELD: Record<ConfidenceMeasure, keyof SampleRecord> = {
  lowest: 'lowestGroupConfidence',
  bottom: 'bottomGroupConfidence',
  tail: 'tailConfidence',
};

/** A stored sample as a DeepConf trace (the confidences come from its stored signal summary). */
export function traceOfRecord(record: SampleRecord, measure: ConfidenceMeasure): DeepConfTrace {
  return {
    sampleIndex: record.sampleIndex,
    answerKey: record.answerKey,
    correct: record.correct,
    lowest: record.lowestGroupConfidence,
    confidence: record[MEASURE_FIELD[measure]] as number | null,
    stopped: record.stopReason === 'low-confidence',
  };
}

/**
 * Where DeepConf's online procedure (arXiv 2508.15260, Algorithm 2) stands on one problem, from
 * the traces generated so far (any order; sample indices from 0):
 * 1. warm-up: the first N_init traces run in full; their lowest group confidences give the
 *    threshold s, the (100 − η)-th percentile;
 * 2. then one trace at a time, each stopped by the engine when a group confidence falls below s;
 * 3. after every trace (from the end of the warm-up on), the vote: every trace that was not
 *    stopped adds its confidence to its answer; sampling ends when the winner holds ≥ τ of the
 *    weight, or when all `samples` traces exist.
 * A pure function of the stored traces, so a stopped run resumes where it was.
 */
export function deepConfProblemState(
  settings: DeepConfSettings,
  samples: number,
  traces: readonly DeepConfTrace[],
): DeepConfProblemState {
  const warmup = Math.min(settings.warmupTraces, samples);
  const have = new Set(traces.map((t) => t.sampleIndex));
  const missingWarmup = range(warmup).filter((i) => !have.has(i));
  const voters = [...traces]
    .sort((a, b) => a.sampleIndex - b.sampleIndex)
    .filter((t) => !t.stopped)
    .map((t) => ({ answerKey: t.answerKey, correct: t.correct, confidence: t.confidence }));
  const vote = weightedVote(voters);
  if (missingWarmup.length > 0) {
    return { warmup, threshold: null, stopBelow: null, vote, next: missingWarmup, phase: 'warm-up' };
  }
  const warmupLowest = traces.filter((t) => t.sampleIndex < warmup).map((t) => t.lowest);
  const threshold = stoppingThreshold(warmupLowest, settings.keepPercent);
  const known = { warmup, threshold, stopBelow: threshold === null ? null : threshold - STORED_SUMMARY_PRECISION, vote };
  if (vote.voters > 0 && vote.consensus >= settings.consensus) return { ...known, next: [], phase: 'consensus' };
  const nextIndex = range(samples).find((i) => !have.has(i));
  if (nextIndex === undefined) return { ...known, next: [], phase: 'all-traces' };
  return { ...known, next: [nextIndex], phase: 'sampling' };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
