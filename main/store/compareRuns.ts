import type { RunComparison, RunRecord, SampleRecord } from '../../common/api/contract/runs';
import { mcnemarTest, mean, median, pairedBootstrap, wilsonInterval } from './statistics';

/**
 * Compares two runs on the problems they share. Samples are paired by key (problem id and
 * sample index), so the paired statistics only use what both runs answered.
 */
export function compareRuns(
  a: { run: RunRecord; samples: readonly SampleRecord[]; datasetFingerprint: string | null },
  b: { run: RunRecord; samples: readonly SampleRecord[]; datasetFingerprint: string | null },
  options: { bootstrapSeed: number },
): RunComparison {
  const bByKey = new Map(b.samples.map((s) => [s.key, s]));
  let bothCorrect = 0;
  let onlyA = 0;
  let onlyB = 0;
  let neither = 0;
  let thinkingDiff = 0;
  const perProblem = new Map<string, { diff: number; count: number }>();
  const disagreements: RunComparison['disagreements'] = [];
  const matched = new Set<string>();
  for (const sa of a.samples) {
    const sb = bByKey.get(sa.key);
    if (!sb) continue;
    matched.add(sa.key);
    if (sa.correct && sb.correct) bothCorrect++;
    else if (sa.correct) onlyA++;
    else if (sb.correct) onlyB++;
    else neither++;
    thinkingDiff += sa.phase1Tokens - sb.phase1Tokens;
    const problem = perProblem.get(sa.problemId) ?? { diff: 0, count: 0 };
    problem.diff += Number(sa.correct) - Number(sb.correct);
    problem.count++;
    perProblem.set(sa.problemId, problem);
    if (sa.correct !== sb.correct) {
      disagreements.push({
        key: sa.key,
        problemId: sa.problemId,
        sampleIndex: sa.sampleIndex,
        aCorrect: sa.correct,
        bCorrect: sb.correct,
        aThinking: sa.phase1Tokens,
        bThinking: sb.phase1Tokens,
        aAnswer: sa.extracted,
        bAnswer: sb.extracted,
      });
    }
  }
  const pairs = matched.size;
  const problems = [...perProblem.values()];
  return {
    a: describe(a.run, a.samples),
    b: describe(b.run, b.samples),
    paired: {
      pairs,
      bothCorrect,
      onlyA,
      onlyB,
      neither,
      difference: pairedBootstrap(
        problems.map((p) => p.diff),
        problems.map((p) => p.count),
        { seed: options.bootstrapSeed },
      ),
      mcnemar: mcnemarTest(onlyA, onlyB),
      meanThinkingDifference: pairs === 0 ? 0 : thinkingDiff / pairs,
    },
    unpaired: { onlyInA: a.samples.length - pairs, onlyInB: b.samples.length - pairs },
    sameDataset: a.datasetFingerprint !== null && a.datasetFingerprint === b.datasetFingerprint,
    disagreements,
  };
}

function describe(run: RunRecord, samples: readonly SampleRecord[]): RunComparison['a'] {
  const thinking = samples.map((s) => s.phase1Tokens);
  return {
    id: run.id,
    label: run.label,
    samples: samples.length,
    accuracy: wilsonInterval(
      samples.reduce((n, s) => n + Number(s.correct), 0),
      samples.length,
    ),
    meanThinking: mean(thinking),
    medianThinking: median(thinking),
  };
}
