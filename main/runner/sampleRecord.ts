import type { SampleResult, SignalSummary, TokenSignals } from '../../common/api/contract/generation';
import type { SampleRecord, Trajectory } from '../../common/api/contract/runs';
import type { GradeItemInput, GradeResult } from '../grading';
import type { SampleWithTrajectory } from '../store/RunFiles';
import type { SignalSummaryField } from '../store/sampleRows';
import type { PlannedItem } from './runPlan';

/** What a grader is given for one sample's response. */
export function gradeInputOf(item: PlannedItem, response: string): GradeItemInput {
  return {
    id: item.problemId,
    problem: item.row.problem,
    gold: item.row.answer ?? '',
    response,
    ...(item.row.choices && item.row.choices.length >= 2 ? { choices: item.row.choices } : {}),
    ...(item.shuffleSeed !== null ? { shuffleSeed: item.shuffleSeed } : {}),
    ...(Array.isArray(item.row.tests) ? { tests: item.row.tests as never } : {}),
  };
}

/** The grade as a trajectory keeps it (with the option order a multiple-choice grade used). */
function storedGrade(item: PlannedItem, grade: GradeResult): Trajectory['grade'] {
  return { ...grade, ...(item.shuffleSeed !== null ? { shuffleSeed: item.shuffleSeed } : {}) };
}

/** A stored sample graded again: the same generation, the new grade's fields. */
export function regradedSample(
  item: PlannedItem,
  stored: { record: SampleRecord; trajectory: Trajectory; signals?: TokenSignals | undefined },
  grade: GradeResult,
): SampleWithTrajectory {
  return {
    record: {
      ...stored.record,
      outcome: grade.outcome,
      correct: grade.correct,
      extracted: grade.extracted,
      answerKey: grade.answerKey,
      gold: item.row.answer,
    },
    trajectory: { ...stored.trajectory, grade: storedGrade(item, grade) },
    ...(stored.signals ? { signals: stored.signals } : {}),
  };
}

/** A generated, graded sample as the store keeps it: a small record and its trajectory. */
export function storedSample(item: PlannedItem, result: SampleResult, grade: GradeResult): SampleWithTrajectory {
  const record: SampleRecord = {
    key: item.key,
    index: item.index,
    problemId: item.problemId,
    sampleIndex: item.sampleIndex,
    seed: result.seed,
    phase1Tokens: result.phase1Tokens,
    delimitedThinkingTokens: result.delimitedThinkingTokens,
    answerTokens: result.answerTokens,
    totalTokens: result.totalTokens,
    cut: result.cut,
    cutAt: result.cutAt,
    stopReason: result.stopReason,
    extensions: result.extensions,
    outcome: grade.outcome,
    correct: grade.correct,
    extracted: grade.extracted,
    answerKey: grade.answerKey,
    gold: item.row.answer,
    generateMs: result.timings.generateMs,
    tokensPerSecond: result.timings.tokensPerSecond,
    ...summaryFields(result.signalSummary),
    discardedTokens: result.discardedTokens ?? 0,
    probeCount: result.probes?.length ?? 0,
  };
  const trajectory: Trajectory = {
    key: item.key,
    message: item.message,
    text: result.text,
    segments: result.segments,
    cutAt: result.cutAt,
    hintOffset: result.hintOffset,
    grade: storedGrade(item, grade),
    ...(result.probes ? { probes: result.probes } : {}),
  };
  return { record, trajectory, ...(result.signals ? { signals: result.signals } : {}) };
}

/**
 * A signal summary as the record stores it: rounded to 6 decimals (a millionth of a nat is far
 * below any difference a vote or a figure uses, and keeps a row short), null when absent.
 */
export function summaryFields(summary: SignalSummary | undefined): Pick<SampleRecord, SignalSummaryField> {
  const round = (value: number | null | undefined) =>
    value === null || value === undefined || !Number.isFinite(value) ? null : Math.round(value * 1e6) / 1e6 + 0;
  return {
    meanLogprob: round(summary?.meanLogprob),
    meanEntropy: round(summary?.meanEntropy),
    meanConfidence: round(summary?.meanConfidence),
    lowestGroupConfidence: round(summary?.lowestGroupConfidence),
    bottomGroupConfidence: round(summary?.bottomGroupConfidence),
    tailConfidence: round(summary?.tailConfidence),
  };
}

/** The generated tokens of a trajectory in order (model and inserted text alike). */
function trajectoryTokens(
  segments: Trajectory['segments'],
): Array<{ token: number; phase: Trajectory['segments'][number]['phase'] }> {
  return segments.flatMap((s) => s.tokens.map((token) => ({ token, phase: s.phase })));
}

/**
 * Where a new generation of a sample first differs from the stored one, token by token (null
 * when they are identical): the index, the phase there, and both lengths.
 */
export function firstDifference(
  fresh: Trajectory['segments'],
  stored: Trajectory['segments'],
): {
  firstDifference: number;
  phase: Trajectory['segments'][number]['phase'] | null;
  storedTokens: number;
  newTokens: number;
} | null {
  const a = trajectoryTokens(fresh);
  const b = trajectoryTokens(stored);
  let at = 0;
  while (at < a.length && at < b.length && a[at]!.token === b[at]!.token) at++;
  if (at === a.length && at === b.length) return null;
  return { firstDifference: at, phase: (b[at] ?? a[at])?.phase ?? null, storedTokens: b.length, newTokens: a.length };
}
