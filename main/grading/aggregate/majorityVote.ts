export interface Vote {
  /** The grade's answerKey: equal keys are the same answer; null (unparsed) does not vote. */
  answerKey: string | null;
  correct: boolean;
}

export interface MajorityResult {
  answerKey: string | null;
  correct: boolean;
  votes: number;
  /** Samples that voted (had an answer) among the first k. */
  voters: number;
}

/**
 * maj@k for one problem: the most frequent answer among the first k samples. A tie goes to the
 * answer that appeared first, so the result does not depend on hash order. Unparsed samples do
 * not vote; with no votes at all the problem counts as wrong.
 */
export function majorityVote(samples: readonly Vote[], k = samples.length): MajorityResult {
  const counts = new Map<string, { votes: number; first: number; correct: boolean }>();
  const considered = samples.slice(0, k);
  considered.forEach((sample, index) => {
    if (sample.answerKey === null) return;
    const entry = counts.get(sample.answerKey);
    if (entry) entry.votes++;
    else counts.set(sample.answerKey, { votes: 1, first: index, correct: sample.correct });
  });
  let best: [string, { votes: number; first: number; correct: boolean }] | null = null;
  for (const entry of counts) {
    if (!best || entry[1].votes > best[1].votes || (entry[1].votes === best[1].votes && entry[1].first < best[1].first)) best = entry;
  }
  const voters = considered.filter((s) => s.answerKey !== null).length;
  return best ? { answerKey: best[0], correct: best[1].correct, votes: best[1].votes, voters } : { answerKey: null, correct: false, votes: 0, voters };
}

/** maj@k over problems: the fraction whose majority answer is correct. */
export function majorityAtK(problems: ReadonlyArray<readonly Vote[]>, k: number): number | null {
  if (problems.length === 0) return null;
  return problems.filter((samples) => majorityVote(samples, k).correct).length / problems.length;
}
