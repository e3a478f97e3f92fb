import type { RunSummary, SampleRecord } from '../../common/api/contract/runs';
import { mean, tokenStats, wilsonInterval } from './statistics';

/**
 * The numbers a run's table and plots show, computed once from its samples and stored with the
 * run, so that opening a run never recomputes them.
 */
export function summarizeRun(records: readonly SampleRecord[], samplesPerProblem: number): RunSummary {
  const n = records.length;
  const phase1 = new Float64Array(n);
  const delimited: number[] = [];
  const answerTokens = new Float64Array(n);
  const totalTokens = new Float64Array(n);
  const outcomes = { correct: 0, wrong: 0, unparsed: 0, error: 0 };
  let correct = 0;
  let cut = 0;
  let generatedTokens = 0;
  let generateMs = 0;
  const byProblem = new Map<string, SampleRecord[]>();
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    phase1[i] = r.phase1Tokens;
    if (r.delimitedThinkingTokens !== null) delimited.push(r.delimitedThinkingTokens);
    answerTokens[i] = r.answerTokens;
    totalTokens[i] = r.totalTokens;
    outcomes[r.outcome] += 1;
    if (r.correct) correct++;
    if (r.cut) cut++;
    generatedTokens += r.totalTokens;
    generateMs += r.generateMs;
    if (samplesPerProblem > 1) {
      const list = byProblem.get(r.problemId);
      if (list) list.push(r);
      else byProblem.set(r.problemId, [r]);
    }
  }
  let passAtK: number | null = null;
  let majorityAccuracy: number | null = null;
  if (samplesPerProblem > 1 && byProblem.size > 0) {
    let anyCorrect = 0;
    let majorityCorrect = 0;
    for (const samples of byProblem.values()) {
      if (samples.some((s) => s.correct)) anyCorrect++;
      if (majorityVoteCorrect(samples)) majorityCorrect++;
    }
    passAtK = anyCorrect / byProblem.size;
    majorityAccuracy = majorityCorrect / byProblem.size;
  }
  const problems = samplesPerProblem > 1 ? byProblem.size : new Set(records.map((r) => r.problemId)).size;
  return {
    samples: n,
    problems,
    accuracy: wilsonInterval(correct, n),
    outcomes,
    cut: wilsonInterval(cut, n),
    thinking: { phase1: tokenStats(phase1), delimited: delimited.length > 0 ? tokenStats(delimited) : null },
    meanAnswerTokens: mean(answerTokens),
    meanTotalTokens: mean(totalTokens),
    passAtK,
    majorityAccuracy,
    // Per-sample rates overlap when samples run in parallel; this is tokens over summed sample time.
    tokensPerSecond: generateMs > 0 ? generatedTokens / (generateMs / 1000) : 0,
  };
}

/** maj@k: the answer most samples gave (first seen wins a tie) is correct. */
function majorityVoteCorrect(samples: readonly SampleRecord[]): boolean {
  const votes = new Map<string, { count: number; correct: boolean }>();
  let best: { count: number; correct: boolean } | null = null;
  for (const s of samples) {
    if (s.answerKey === null) continue;
    const vote = votes.get(s.answerKey) ?? { count: 0, correct: s.correct };
    vote.count++;
    votes.set(s.answerKey, vote);
    if (!best || vote.count > best.count) best = vote;
  }
  return best?.correct ?? false;
}
