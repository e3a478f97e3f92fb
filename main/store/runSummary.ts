import type { RunSummary, SampleRecord } from '../../common/api/contract/runs';
import { offlineDeepConf, type VotingTrace } from '../../common/signals/deepConfVote';
import { CORRECT, CUT, OUTCOME_NAMES, type SampleColumns } from './sampleColumns';
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
  const deepconf =
    samplesPerProblem > 1
      ? offlineDeepConf(
          [...byProblem.values()].map((samples) =>
            samples.map((s) => votingTrace(s.answerKey, s.correct, s.lowestGroupConfidence, s.stopReason)),
          ),
        )
      : null;
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
    deepconf,
  };
}

/** A sample as offline DeepConf votes with it: a sample the online filter stopped does not vote. */
function votingTrace(
  answerKey: string | null,
  correct: boolean,
  lowestGroupConfidence: number | null,
  stopReason: string | undefined,
): VotingTrace {
  return {
    answerKey: stopReason === 'low-confidence' ? null : answerKey,
    correct,
    confidence: lowestGroupConfidence,
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

/**
 * `summarizeRun` computed from a run's columns, visiting the rows in `order` (plan order): the
 * same numbers as `summarizeRun(records, …)` on the records those rows hold, without building
 * one object per sample. A null count (NaN in a column) counts as 0, as it does in summarizeRun.
 */
export function summarizeColumns(
  columns: SampleColumns,
  order: ArrayLike<number>,
  samplesPerProblem: number,
): RunSummary {
  const n = order.length;
  const c = columns.numbers;
  const flagsOf = columns.flags;
  const outcomeOf = columns.ordinals.outcome;
  const problemOf = columns.ordinals.problem;
  const answerOf = columns.ordinals.answer;
  const phase1 = new Float64Array(n);
  const delimited = new Float64Array(n);
  let delimitedCount = 0;
  const answerTokens = new Float64Array(n);
  const totalTokens = new Float64Array(n);
  const outcomeCounts = [0, 0, 0, 0];
  // Samples per problem, shifted by one (turned into offsets below).
  const perProblem = new Int32Array(columns.problems.values.length + 1);
  let correct = 0;
  let cut = 0;
  let generatedTokens = 0;
  let generateMs = 0;
  for (let k = 0; k < n; k++) {
    const row = order[k]!;
    const flags = flagsOf[row]!;
    const p1 = c.phase1Tokens[row]!;
    phase1[k] = p1 === p1 ? p1 : 0;
    const d = c.delimitedThinkingTokens[row]!;
    if (d === d) delimited[delimitedCount++] = d;
    const a = c.answerTokens[row]!;
    answerTokens[k] = a === a ? a : 0;
    const t = c.totalTokens[row]!;
    totalTokens[k] = t === t ? t : 0;
    outcomeCounts[outcomeOf[row]!]! += 1;
    if (flags & CORRECT) correct++;
    if (flags & CUT) cut++;
    if (t === t) generatedTokens += t;
    const ms = c.generateMs[row]!;
    if (ms === ms) generateMs += ms;
    perProblem[problemOf[row]! + 1]! += 1;
  }
  let problems = 0;
  for (let p = 1; p < perProblem.length; p++) if (perProblem[p]! > 0) problems++;

  let passAtK: number | null = null;
  let majorityAccuracy: number | null = null;
  let deepconf: RunSummary['deepconf'] = null;
  if (samplesPerProblem > 1 && problems > 0) {
    for (let p = 1; p < perProblem.length; p++) perProblem[p]! += perProblem[p - 1]!;
    // Each problem's rows, in plan order.
    const next = perProblem.slice(0, -1);
    const rows = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const row = order[k]!;
      rows[next[problemOf[row]!]!++] = row;
    }
    const votes = new Int32Array(columns.answers.values.length);
    const voteCorrect = new Uint8Array(columns.answers.values.length);
    let anyCorrect = 0;
    let majorityCorrect = 0;
    for (let p = 0; p + 1 < perProblem.length; p++) {
      const start = perProblem[p]!;
      const end = perProblem[p + 1]!;
      if (start === end) continue;
      let any = false;
      // maj@k: the answer most samples gave (first seen wins a tie) is correct.
      let best = -1;
      let bestCount = 0;
      for (let k = start; k < end; k++) {
        const row = rows[k]!;
        const isCorrect = (flagsOf[row]! & CORRECT) !== 0;
        if (isCorrect) any = true;
        const answer = answerOf[row]!;
        if (answer === -1) continue;
        if (votes[answer] === 0) voteCorrect[answer] = isCorrect ? 1 : 0;
        const count = ++votes[answer]!;
        if (best === -1 || count > bestCount) {
          best = answer;
          bestCount = count;
        }
      }
      for (let k = start; k < end; k++) {
        const answer = answerOf[rows[k]!]!;
        if (answer !== -1) votes[answer] = 0;
      }
      if (any) anyCorrect++;
      if (best !== -1 && voteCorrect[best] === 1) majorityCorrect++;
    }
    passAtK = anyCorrect / problems;
    majorityAccuracy = majorityCorrect / problems;
    deepconf = deepConfOfRows({
      rows,
      starts: perProblem,
      answerOf: (row) =>
        columns.stopReasons.values[columns.ordinals.stopReason[row]!] === 'low-confidence' ? -1 : answerOf[row]!,
      correct: (row) => (flagsOf[row]! & CORRECT) !== 0,
      confidence: c.lowestGroupConfidence,
      answers: columns.answers.values.length,
    });
  }
  const outcomes = Object.fromEntries(
    OUTCOME_NAMES.map((name, i) => [name, outcomeCounts[i]!]),
  ) as RunSummary['outcomes'];
  return {
    samples: n,
    problems,
    accuracy: wilsonInterval(correct, n),
    outcomes,
    cut: wilsonInterval(cut, n),
    thinking: {
      phase1: tokenStats(phase1),
      delimited: delimitedCount > 0 ? tokenStats(delimited.subarray(0, delimitedCount)) : null,
    },
    meanAnswerTokens: mean(answerTokens),
    meanTotalTokens: mean(totalTokens),
    passAtK,
    majorityAccuracy,
    tokensPerSecond: generateMs > 0 ? generatedTokens / (generateMs / 1000) : 0,
    deepconf,
  };
}

/**
 * offlineDeepConf (common/signals/deepConfVote.ts) over a run's columns: the same three
 * accuracies without a VotingTrace, a ranked copy and a Map per problem and η (a quarter of a
 * second on 100,000 samples). Each problem's rows are `rows[starts[p]…starts[p + 1])` in plan
 * order; an answer of −1 does not vote (none extracted, or stopped by the online filter); a NaN
 * confidence is none. The same steps as keepMostConfident and weightedVote, in the same order,
 * so the same floating-point sums and the same winners.
 */
function deepConfOfRows(options: {
  rows: Uint32Array;
  starts: Int32Array;
  answerOf: (row: number) => number;
  correct: (row: number) => boolean;
  confidence: Float64Array;
  answers: number;
}): RunSummary['deepconf'] {
  const { rows, starts, answerOf, correct, confidence } = options;
  const KEEP_PERCENTS = [10, 90, 100];
  const right = [0, 0, 0];
  let problems = 0;
  let anyConfidence = false;
  const weight = new Float64Array(options.answers);
  const seen = new Uint8Array(options.answers);
  const answerCorrect = new Uint8Array(options.answers);
  let ranked = new Int32Array(16);
  let kept = new Uint8Array(16);
  for (let p = 0; p + 1 < starts.length; p++) {
    const start = starts[p]!;
    const end = starts[p + 1]!;
    if (start === end) continue;
    problems++;
    if (end - start > ranked.length) {
      ranked = new Int32Array(end - start);
      kept = new Uint8Array(end - start);
    }
    // The traces with a confidence, most confident first (the earlier first on a tie).
    let m = 0;
    for (let k = start; k < end; k++) {
      const conf = confidence[rows[k]!]!;
      if (conf !== conf) continue;
      let j = m++;
      while (j > 0 && confidence[rows[ranked[j - 1]!]!]! < conf) {
        ranked[j] = ranked[j - 1]!;
        j--;
      }
      ranked[j] = k;
    }
    if (m === 0) continue;
    anyConfidence = true;
    for (let e = 0; e < KEEP_PERCENTS.length; e++) {
      const count = Math.max(1, Math.ceil((KEEP_PERCENTS[e]! * m) / 100 - 1e-9));
      kept.fill(0, 0, end - start);
      for (let r = 0; r < count; r++) kept[ranked[r]! - start] = 1;
      let sum = 0;
      let best = -1;
      let bestWeight = 0;
      let bestCorrect = false;
      for (let k = start; k < end; k++) {
        if (!kept[k - start]) continue;
        const row = rows[k]!;
        const answer = answerOf(row);
        if (answer === -1) continue;
        const conf = confidence[row]!;
        sum += conf;
        if (!seen[answer]) {
          seen[answer] = 1;
          weight[answer] = 0;
          answerCorrect[answer] = correct(row) ? 1 : 0;
        }
        weight[answer] = weight[answer]! + conf;
        if (best === -1 || weight[answer]! > bestWeight) {
          best = answer;
          bestWeight = weight[answer]!;
          bestCorrect = answerCorrect[answer] === 1;
        }
      }
      for (let k = start; k < end; k++) {
        const answer = answerOf(rows[k]!);
        if (answer !== -1) seen[answer] = 0;
      }
      if (best !== -1 && sum > 0 && bestCorrect) right[e]!++;
    }
  }
  if (!anyConfidence) return null;
  return { low: right[0]! / problems, high: right[1]! / problems, weighted: right[2]! / problems };
}
