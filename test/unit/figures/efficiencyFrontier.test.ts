import { describe, expect, it } from 'vitest';
import {
  frontierPoints,
  paretoFront,
  tokensSavedTable,
  voteIsCorrect,
  type FrontierSample,
} from '../../../common/figures/efficiencyFrontier';

interface RunSpec {
  runId: string;
  strategy: string;
  /** Per problem: its samples as [answer, correct, totalTokens, discardedTokens?, voteWeight?]. */
  problems: Array<Array<[string | null, boolean, number, number?, number?]>>;
}

function samplesOf(run: RunSpec): FrontierSample[] {
  return run.problems.flatMap((samples, p) =>
    samples.map(([answerKey, correct, totalTokens, discardedTokens, voteWeight]) => ({
      runId: run.runId,
      runLabel: `${run.runId} label`,
      strategy: run.strategy,
      problemId: `p${p + 1}`,
      correct,
      totalTokens,
      answerKey,
      ...(discardedTokens !== undefined ? { discardedTokens } : {}),
      ...(voteWeight !== undefined ? { voteWeight } : {}),
    })),
  );
}

/**
 * Six runs on four problems with known points:
 * unbounded ×1: 3/4 right at 100 tokens; unbounded ×3 (maj@3): 4/4 at 300; shifted window: 2/4 at 40;
 * early exit: 3/4 at 50 kept + 10 discarded = 60; deepconf ×3, weighted: 4/4 at 180; hard cut: 1/4 at 80.
 */
const RUNS: RunSpec[] = [
  {
    runId: 'unbounded',
    strategy: 'unbounded',
    problems: [[['1', true, 100]], [['2', true, 100]], [['3', true, 100]], [['x', false, 100]]],
  },
  {
    runId: 'maj3',
    strategy: 'unbounded',
    problems: [
      [
        ['1', true, 100],
        ['1', true, 100],
        ['9', false, 100],
      ],
      [
        ['2', true, 100],
        ['8', false, 100],
        ['2', true, 100],
      ],
      // A tie: the answer that got there first wins.
      [
        ['3', true, 100],
        ['7', false, 100],
        [null, false, 100],
      ],
      [
        ['4', true, 100],
        ['4', true, 100],
        ['4', true, 100],
      ],
    ],
  },
  {
    runId: 'z1',
    strategy: 'shifted-window',
    problems: [[['1', true, 40]], [['2', true, 40]], [['x', false, 40]], [['y', false, 40]]],
  },
  {
    runId: 'exit',
    strategy: 'early-exit',
    problems: [[['1', true, 50, 10]], [['2', true, 50, 10]], [['3', true, 50, 10]], [['x', false, 50, 10]]],
  },
  {
    runId: 'deepconf',
    strategy: 'deepconf',
    problems: [
      [
        ['1', true, 60, 0, 1],
        ['9', false, 60, 0, 0.4],
        ['9', false, 60, 0, 0.4],
      ],
      [
        ['2', true, 60, 0, 1],
        ['2', true, 60, 0, 1],
        ['8', false, 60, 0, 0],
      ],
      [
        ['3', true, 60, 0, 0.9],
        ['7', false, 60, 0, 0.5],
        ['7', false, 60, 0, 0],
      ],
      [
        ['4', true, 60, 0, 1],
        ['4', true, 60, 0, 1],
        ['4', true, 60, 0, 1],
      ],
    ],
  },
  {
    runId: 'hard',
    strategy: 'hard-cut',
    problems: [[['1', true, 80]], [['x', false, 80]], [['y', false, 80]], [['z', false, 80]]],
  },
];

describe('efficiency frontier', () => {
  const points = frontierPoints(RUNS.flatMap(samplesOf));

  it('makes one point per run: per-problem accuracy (one sample, or the vote) against every generated token per problem', () => {
    expect(
      points.map((p) => [p.runId, p.samplesPerProblem, p.vote, p.correctProblems, p.accuracy, p.tokensPerProblem]),
    ).toEqual([
      ['unbounded', 1, 'single', 3, 0.75, 100],
      ['maj3', 3, 'majority', 4, 1, 300],
      ['z1', 1, 'single', 2, 0.5, 40],
      ['exit', 1, 'single', 3, 0.75, 60],
      ['deepconf', 3, 'weighted', 4, 1, 180],
      ['hard', 1, 'single', 1, 0.25, 80],
    ]);
  });

  it('marks the runs no other run beats on both accuracy and tokens', () => {
    expect(points.filter((p) => p.onFront).map((p) => p.runId)).toEqual(['z1', 'exit', 'deepconf']);
    expect(paretoFront(points).map((p) => p.runId)).toEqual(['z1', 'exit', 'deepconf']);
  });

  it('keeps the first of two equal points on the front, and a costlier point only when it is more accurate', () => {
    const a = { accuracy: 0.5, tokensPerProblem: 10 };
    const b = { accuracy: 0.5, tokensPerProblem: 10 };
    const c = { accuracy: 0.5, tokensPerProblem: 5 };
    expect(paretoFront([a, b])).toEqual([a]);
    expect(paretoFront([a, b]).at(0)).toBe(a);
    expect(paretoFront([a, c])).toEqual([c]);
  });

  it("weights a vote by the samples' weights; a weight of 0 or no answer does not vote", () => {
    const sample = (answerKey: string | null, correct: boolean, voteWeight?: number): FrontierSample => ({
      runId: 'r',
      runLabel: 'r',
      strategy: 'deepconf',
      problemId: 'p',
      correct,
      totalTokens: 1,
      answerKey,
      ...(voteWeight !== undefined ? { voteWeight } : {}),
    });
    expect(voteIsCorrect([sample('a', false, 0.9), sample('b', true, 0.5), sample('b', true, 0.5)])).toBe(true);
    expect(voteIsCorrect([sample('a', false, 1.1), sample('b', true, 0.5), sample('b', true, 0.5)])).toBe(false);
    expect(voteIsCorrect([sample('a', false, 0), sample('b', true, 0.1)])).toBe(true);
    expect(voteIsCorrect([sample(null, false), sample(null, true)])).toBe(false);
    expect(voteIsCorrect([sample(null, true)])).toBe(true);
  });

  it('counts tokens saved against the cheapest unbounded and maj@k run that is at least as accurate', () => {
    const rows = tokensSavedTable(points);
    const saved = Object.fromEntries(
      rows.map((r) => [
        r.point.runId,
        [
          r.against.unbounded.referenceRunId,
          r.against.unbounded.tokensSaved,
          r.against.unbounded.share,
          r.against['maj@k'].referenceRunId,
          r.against['maj@k'].tokensSaved,
          r.against['maj@k'].share,
        ],
      ]),
    );
    expect(saved).toEqual({
      unbounded: ['unbounded', 0, 0, 'maj3', 200, 200 / 300],
      maj3: [null, null, null, 'maj3', 0, 0],
      z1: ['unbounded', 60, 0.6, 'maj3', 260, 260 / 300],
      exit: ['unbounded', 40, 0.4, 'maj3', 240, 0.8],
      deepconf: [null, null, null, 'maj3', 120, 0.4],
      hard: ['unbounded', 20, 0.2, 'maj3', 220, 220 / 300],
    });
    expect(rows[3]!.against.unbounded.referenceTokens).toBe(100);
    expect(rows[3]!.against.unbounded.referenceLabel).toBe('unbounded label');
  });
});
