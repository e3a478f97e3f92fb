import type { SampleRecord, Trajectory } from '../../common/api/contract/runs';
import type { SampleWithTrajectory } from '../../main/store/RunFiles';

/** Thinking tokens of a sample vary up to this many. */
const THINKING = 120;

/** A realistic sample: a graded record and a trajectory of ~THINKING tokens with its text. */
export function makeSample(index: number): SampleWithTrajectory {
  const thinking = 20 + ((index * 7919) % THINKING);
  const correct = index % 3 !== 0;
  const record: SampleRecord = {
    key: `problem-${Math.floor(index / 4)}#${index % 4}`,
    index,
    problemId: `problem-${Math.floor(index / 4)}`,
    sampleIndex: index % 4,
    seed: (index * 2654435761) >>> 1,
    phase1Tokens: thinking,
    delimitedThinkingTokens: thinking - 1,
    answerTokens: 12,
    totalTokens: thinking + 12,
    cut: thinking >= 100,
    cutAt: thinking >= 100 ? 100 : null,
    stopReason: 'end-of-generation',
    extensions: 0,
    outcome: correct ? 'correct' : 'wrong',
    correct,
    extracted: correct ? '42' : '17',
    answerKey: correct ? '42' : '17',
    gold: '42',
    generateMs: 850.5,
    tokensPerSecond: 155.2,
    // Signal summaries as the runner stores them (6 decimals): every run has them by default.
    meanLogprob: -((index * 7919) % 1000003) / 1e6,
    meanEntropy: ((index * 104729) % 2000003) / 1e6,
    meanConfidence: 3 + ((index * 1299709) % 9000001) / 1e6,
    lowestGroupConfidence: 3 + ((index * 15485863) % 5000011) / 1e6,
    bottomGroupConfidence: 3 + ((index * 32452843) % 6000011) / 1e6,
    tailConfidence: 3 + ((index * 49979687) % 7000003) / 1e6,
    discardedTokens: 0,
    probeCount: 0,
  };
  const tokens = Array.from({ length: thinking }, (_, i) => 1000 + ((i * 31 + index) % 30000));
  const text = Array.from({ length: thinking }, (_, i) => ` w${(i * 13 + index) % 997}`).join('');
  const trajectory: Trajectory = {
    key: record.key,
    message: `Problem ${record.problemId}: compute the value of the expression and put it in \\boxed{}.`,
    text: `${text}\n\nThe final answer is \\boxed{${record.extracted}}`,
    segments: [
      { phase: 'thinking', inserted: false, text, tokens },
      {
        phase: 'answer',
        inserted: false,
        text: `\n\nThe final answer is \\boxed{${record.extracted}}`,
        tokens: Array.from({ length: 12 }, (_, i) => 50 + i),
      },
    ],
    cutAt: record.cutAt,
    hintOffset: null,
    grade: {
      outcome: record.outcome,
      correct,
      extracted: record.extracted,
      method: 'boxed',
      span: [10, 12],
      reason: 'equal',
      answerKey: record.answerKey,
    },
  };
  return { record, trajectory };
}
