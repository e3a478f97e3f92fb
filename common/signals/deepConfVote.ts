import type { SignalSummary } from '../api/contract/generation';

/**
 * DeepConf's voting (Fu et al., "Deep Think with Confidence", arXiv 2508.15260, §3.2-3.3): the
 * traces of one problem are ranked by a confidence, the most confident η % kept, and the answers
 * of the kept traces voted on with each trace's confidence as its weight. Pure functions: they
 * work on any stored multi-sample run (offline) and on the traces of a problem as they arrive
 * (online, main/runner/deepConfProblem.ts).
 */

/**
 * Which of a trace's confidences ranks and weighs it (docs/engine.md, "DeepConf"): the lowest
 * sliding-window group confidence (the paper's default for the online filter), the mean of the
 * bottom 10 % of the windows, or the tail (the last window).
 */
export const confidenceMeasures = ['lowest', 'bottom', 'tail'] as const;
export type ConfidenceMeasure = (typeof confidenceMeasures)[number];

/** One trace as the vote sees it. */
export interface VotingTrace {
  /** The grader's key of the extracted answer (equal keys are the same answer); null: none extracted. */
  readonly answerKey: string | null;
  /** Whether the grader judged the trace correct. */
  readonly correct: boolean;
  /** The trace's confidence under the measure voted with; null: it has no signals. */
  readonly confidence: number | null;
}

export interface VoteOutcome {
  /** The answer with the largest summed weight (the first to reach it wins a tie); null: no vote. */
  readonly answerKey: string | null;
  /** Whether a trace with that answer was judged correct. */
  readonly correct: boolean;
  /** The winner's share of the summed weight (DeepConf's consensus β); 0 with no vote. */
  readonly consensus: number;
  /** Traces whose answer was counted. */
  readonly voters: number;
}

/** The confidence a summary gives under a measure; null when the summary is missing or the trace had no tokens. */
export function confidenceOf(summary: SignalSummary | null | undefined, measure: ConfidenceMeasure): number | null {
  if (!summary) return null;
  switch (measure) {
    case 'lowest':
      return summary.lowestGroupConfidence;
    case 'bottom':
      return summary.bottomGroupConfidence;
    case 'tail':
      return summary.tailConfidence;
  }
}

/**
 * The most confident `keepPercent` % of the traces that have a confidence: ⌈η·n/100⌉ of them (at
 * least one when there is any), in their original order. Equal confidences keep the earlier trace.
 */
export function keepMostConfident<T extends VotingTrace>(traces: readonly T[], keepPercent: number): T[] {
  checkKeepPercent(keepPercent);
  const ranked = traces.map((trace, index) => ({ trace, index })).filter(({ trace }) => trace.confidence !== null);
  if (ranked.length === 0) return [];
  const count = Math.max(1, Math.ceil((keepPercent * ranked.length) / 100 - 1e-9));
  ranked.sort((a, b) => b.trace.confidence! - a.trace.confidence! || a.index - b.index);
  return ranked
    .slice(0, count)
    .sort((a, b) => a.index - b.index)
    .map(({ trace }) => trace);
}

/**
 * Weighted majority vote: each trace with an answer and a confidence adds its confidence to its
 * answer. When every weight is 0 (top-K = 1 gives confidence 0 everywhere) no answer wins.
 */
export function weightedVote(traces: readonly VotingTrace[]): VoteOutcome {
  const totals = new Map<string, { weight: number; correct: boolean }>();
  let sum = 0;
  let voters = 0;
  let best: { key: string; weight: number; correct: boolean } | null = null;
  for (const trace of traces) {
    if (trace.answerKey === null || trace.confidence === null) continue;
    voters += 1;
    sum += trace.confidence;
    const total = totals.get(trace.answerKey) ?? { weight: 0, correct: trace.correct };
    total.weight += trace.confidence;
    totals.set(trace.answerKey, total);
    if (!best || total.weight > best.weight) best = { key: trace.answerKey, ...total };
  }
  if (!best || sum <= 0) return { answerKey: null, correct: false, consensus: 0, voters };
  return { answerKey: best.key, correct: best.correct, consensus: best.weight / sum, voters };
}

/** DeepConf's offline vote: keep the most confident η %, then vote weighted by confidence. */
export function deepConfVote(traces: readonly VotingTrace[], keepPercent: number): VoteOutcome {
  return weightedVote(keepMostConfident(traces, keepPercent));
}

/**
 * The p-th percentile with linear interpolation between the closest ranks (numpy's default):
 * rank p·(n−1)/100 in the sorted values. NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  checkPercent(p, 'percentile');
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p * (sorted.length - 1)) / 100;
  const below = Math.floor(rank);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

/**
 * DeepConf's online stopping threshold s (§3.3): the (100 − η)-th percentile of the warm-up
 * traces' confidences, so that the most confident η % of them would pass it (DeepConf-low keeps
 * 10 %: the 90th percentile; DeepConf-high keeps 90 %: the 10th). Null without any confidence.
 */
export function stoppingThreshold(warmupConfidences: ReadonlyArray<number | null>, keepPercent: number): number | null {
  checkKeepPercent(keepPercent);
  const present = warmupConfidences.filter((c): c is number => c !== null);
  return present.length > 0 ? percentile(present, 100 - keepPercent) : null;
}

export interface DeepConfAccuracy {
  /** η, the share of each problem's traces kept (percent). */
  readonly keepPercent: number;
  readonly measure: ConfidenceMeasure;
  /** Share of problems whose vote is correct; null with no problem. */
  readonly accuracy: number | null;
  readonly problems: number;
}

/**
 * Offline DeepConf over a run: the share of problems whose confidence-filtered, weighted vote
 * is correct, for each η asked. `problems` holds each problem's traces.
 */
export function deepConfAccuracies(
  problems: ReadonlyArray<readonly VotingTrace[]>,
  options: { keepPercents: readonly number[]; measure: ConfidenceMeasure },
): DeepConfAccuracy[] {
  return options.keepPercents.map((keepPercent) => {
    let correct = 0;
    for (const traces of problems) if (deepConfVote(traces, keepPercent).correct) correct += 1;
    return {
      keepPercent,
      measure: options.measure,
      accuracy: problems.length > 0 ? correct / problems.length : null,
      problems: problems.length,
    };
  });
}

function checkPercent(value: number, name: string): void {
  if (!(value >= 0 && value <= 100)) throw new RangeError(`DeepConf: ${name} must be in [0, 100], got ${value}`);
}

function checkKeepPercent(value: number): void {
  if (!(value > 0 && value <= 100)) throw new RangeError(`DeepConf: keepPercent must be in (0, 100], got ${value}`);
}

/**
 * Offline DeepConf as a run's summary shows it: per problem, the traces ranked and weighted by
 * their lowest group confidence, the share of problems whose vote is correct when the most
 * confident 10 % (DeepConf-low), 90 % (DeepConf-high) or all of them vote. Null when no trace
 * has a confidence (signals were off, or the run predates them).
 */
export function offlineDeepConf(
  problems: ReadonlyArray<readonly VotingTrace[]>,
): { low: number; high: number; weighted: number } | null {
  if (!problems.some((traces) => traces.some((t) => t.confidence !== null))) return null;
  const [low, high, weighted] = deepConfAccuracies(problems, { keepPercents: [10, 90, 100], measure: 'lowest' });
  return { low: low!.accuracy!, high: high!.accuracy!, weighted: weighted!.accuracy! };
}
