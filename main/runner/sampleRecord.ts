import type { SampleResult } from '../../common/api/contract/generation';
import type { SampleRecord, Trajectory } from '../../common/api/contract/runs';
import type { GradeResult } from '../grading';
import type { SampleWithTrajectory } from '../store/RunFiles';
import type { PlannedItem } from './runPlan';

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
  };
  const trajectory: Trajectory = {
    key: item.key,
    message: item.message,
    text: result.text,
    segments: result.segments,
    cutAt: result.cutAt,
    hintOffset: result.hintOffset,
    grade: { ...grade, ...(item.shuffleSeed !== null ? { shuffleSeed: item.shuffleSeed } : {}) },
  };
  return { record, trajectory };
}

/** The generated tokens of a trajectory in order (model and inserted text alike). */
export function trajectoryTokens(
  segments: Trajectory['segments'],
): Array<{ token: number; phase: Trajectory['segments'][number]['phase'] }> {
  return segments.flatMap((s) => s.tokens.map((token) => ({ token, phase: s.phase })));
}
