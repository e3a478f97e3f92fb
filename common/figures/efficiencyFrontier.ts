/**
 * The efficiency frontier (docs/figures.md, "Efficiency frontier"): every run as one point,
 * accuracy against the tokens it generated per problem, the runs no other run beats on both,
 * and the tokens a run saves against the cheapest reference run that is at least as accurate.
 * Pure: the renderer draws it, the tests assert it with exact values.
 */

/** What the frontier needs of one graded sample. */
export interface FrontierSample {
  runId: string;
  runLabel: string;
  strategy: string;
  problemId: string;
  correct: boolean;
  /** Tokens kept in the trajectory (thinking, inserted text, probes that exited, answer). */
  totalTokens: number;
  /** Tokens generated and thrown away (probes that did not exit …); absent: 0. */
  discardedTokens?: number;
  /** The grader's normalised answer, what a vote counts; null: no answer, no vote. */
  answerKey: string | null;
  /**
   * The sample's weight in its problem's vote (DeepConf's confidence weighting). Absent: 1, a
   * plain majority vote. 0: the sample does not vote (a trace DeepConf's filter stopped).
   */
  voteWeight?: number;
}

/** How a run's answer to a problem is decided. */
export type FrontierVote = 'single' | 'majority' | 'weighted';

export interface FrontierPoint {
  runId: string;
  runLabel: string;
  strategy: string;
  problems: number;
  /** Most samples any problem has in the run (k of maj@k). */
  samplesPerProblem: number;
  vote: FrontierVote;
  /** Problems whose answer is right: one sample's grade, or the vote's. */
  correctProblems: number;
  accuracy: number;
  /** Every generated token of the run (kept and discarded) over its problems. */
  tokensPerProblem: number;
  /** No other run reaches at least its accuracy with at most its tokens (one of them strictly). */
  onFront: boolean;
}

/** Runs in first-seen order, each one point (see `FrontierPoint`). */
export function frontierPoints(samples: readonly FrontierSample[]): FrontierPoint[] {
  const runs = new Map<string, FrontierSample[]>();
  for (const sample of samples) {
    const list = runs.get(sample.runId);
    if (list) list.push(sample);
    else runs.set(sample.runId, [sample]);
  }
  const points = [...runs.values()].map(runPoint);
  const front = new Set(paretoFront(points).map((p) => p.runId));
  return points.map((p) => ({ ...p, onFront: front.has(p.runId) }));
}

function runPoint(samples: readonly FrontierSample[]): FrontierPoint {
  const first = samples[0]!;
  const byProblem = new Map<string, FrontierSample[]>();
  let tokens = 0;
  for (const sample of samples) {
    tokens += sample.totalTokens + (sample.discardedTokens ?? 0);
    const list = byProblem.get(sample.problemId);
    if (list) list.push(sample);
    else byProblem.set(sample.problemId, [sample]);
  }
  const samplesPerProblem = Math.max(...[...byProblem.values()].map((list) => list.length));
  const weighted = samples.some((s) => s.voteWeight !== undefined);
  const vote: FrontierVote = samplesPerProblem === 1 ? 'single' : weighted ? 'weighted' : 'majority';
  let correctProblems = 0;
  for (const list of byProblem.values()) if (voteIsCorrect(list)) correctProblems++;
  return {
    runId: first.runId,
    runLabel: first.runLabel,
    strategy: first.strategy,
    problems: byProblem.size,
    samplesPerProblem,
    vote,
    correctProblems,
    accuracy: correctProblems / byProblem.size,
    tokensPerProblem: tokens / byProblem.size,
    onFront: false,
  };
}

/**
 * The vote over one problem's samples: the answer with the largest summed weight wins, the one
 * that got there first keeping a tie (the store's maj@k rule); the problem is right when that
 * answer's samples were graded right. One sample: its grade.
 */
export function voteIsCorrect(samples: readonly FrontierSample[]): boolean {
  if (samples.length === 1) return samples[0]!.correct;
  const votes = new Map<string, { weight: number; correct: boolean }>();
  let best: { weight: number; correct: boolean } | null = null;
  for (const sample of samples) {
    const weight = sample.voteWeight ?? 1;
    if (sample.answerKey === null || !(weight > 0)) continue;
    const vote = votes.get(sample.answerKey) ?? { weight: 0, correct: sample.correct };
    vote.weight += weight;
    votes.set(sample.answerKey, vote);
    if (!best || vote.weight > best.weight) best = vote;
  }
  return best?.correct ?? false;
}

/**
 * The points no other point dominates, by tokens ascending: each is more accurate than every
 * point that costs at most as much. Of two equal points, the first listed is on the front.
 */
export function paretoFront<P extends Pick<FrontierPoint, 'accuracy' | 'tokensPerProblem'>>(points: readonly P[]): P[] {
  const sorted = points
    .map((point, order) => ({ point, order }))
    .sort(
      (a, b) =>
        a.point.tokensPerProblem - b.point.tokensPerProblem || b.point.accuracy - a.point.accuracy || a.order - b.order,
    );
  const front: P[] = [];
  let best = -Infinity;
  for (const { point } of sorted) {
    if (point.accuracy > best) {
      front.push(point);
      best = point.accuracy;
    }
  }
  return front;
}

/** The reference runs a run is measured against in the savings table. */
export type SavingsReference = 'unbounded' | 'maj@k';

/**
 * Which points are references: "unbounded" = unbounded runs with one sample per problem,
 * "maj@k" = unbounded runs with several samples per problem voted by plain majority (DeepConf's
 * baseline, arXiv 2508.15260).
 */
export function isReference(point: FrontierPoint, reference: SavingsReference): boolean {
  if (point.strategy !== 'unbounded') return false;
  return reference === 'unbounded' ? point.vote === 'single' : point.vote === 'majority';
}

export interface TokensSaved {
  /** The cheapest reference run with accuracy ≥ the run's; null when no reference reaches it. */
  referenceRunId: string | null;
  referenceLabel: string | null;
  referenceTokens: number | null;
  /** referenceTokens − the run's tokens per problem (negative: the run costs more). */
  tokensSaved: number | null;
  /** tokensSaved / referenceTokens. */
  share: number | null;
}

export interface SavingsRow {
  point: FrontierPoint;
  against: Record<SavingsReference, TokensSaved>;
}

/**
 * Tokens saved at equal accuracy: for each run, against each kind of reference, the fewest
 * tokens per problem of a reference run whose accuracy is at least the run's, and how many
 * tokens the run saves against it (the run itself counts when it is a reference: it saves 0).
 */
export function tokensSavedTable(points: readonly FrontierPoint[]): SavingsRow[] {
  const against = (point: FrontierPoint, reference: SavingsReference): TokensSaved => {
    let cheapest: FrontierPoint | null = null;
    for (const candidate of points) {
      if (!isReference(candidate, reference) || candidate.accuracy < point.accuracy) continue;
      if (!cheapest || candidate.tokensPerProblem < cheapest.tokensPerProblem) cheapest = candidate;
    }
    if (!cheapest) {
      return { referenceRunId: null, referenceLabel: null, referenceTokens: null, tokensSaved: null, share: null };
    }
    const saved = cheapest.tokensPerProblem - point.tokensPerProblem;
    return {
      referenceRunId: cheapest.runId,
      referenceLabel: cheapest.runLabel,
      referenceTokens: cheapest.tokensPerProblem,
      tokensSaved: saved,
      share: cheapest.tokensPerProblem > 0 ? saved / cheapest.tokensPerProblem : null,
    };
  };
  return points.map((point) => ({
    point,
    against: { unbounded: against(point, 'unbounded'), 'maj@k': against(point, 'maj@k') },
  }));
}
