import {
  frontierPoints,
  paretoFront,
  tokensSavedTable,
  type FrontierPoint,
  type FrontierSample,
} from '../../../common/figures/efficiencyFrontier';
import { logTicks } from './axisTicks';
import { emptyFigure, groupSamples, type FigureSample, type FigureSpec, type PlotlyTrace } from './figureData';
import { escapeHover } from './hoverText';
import { seriesStyle } from './seriesStyle';
import { textWidth } from './textWidth';

export const FRONTIER_X_TITLE = 'generated tokens per problem';

const TABLE_COLUMNS = [
  'run',
  'strategy',
  'samples_per_problem',
  'vote',
  'problems',
  'correct_problems',
  'accuracy',
  'tokens_per_problem',
  'on_front',
  'unbounded_reference',
  'tokens_saved_vs_unbounded',
  'share_saved_vs_unbounded',
  'majk_reference',
  'tokens_saved_vs_majk',
  'share_saved_vs_majk',
];

export function toFrontierSample(sample: FigureSample): FrontierSample {
  return {
    runId: sample.runId,
    runLabel: sample.runLabel,
    strategy: sample.strategy,
    problemId: sample.problemId,
    correct: sample.correct,
    totalTokens: sample.totalTokens ?? sample.thinkingTokens,
    discardedTokens: sample.discardedTokens ?? 0,
    answerKey: sample.answerKey ?? null,
    ...(sample.voteWeight !== undefined ? { voteWeight: sample.voteWeight } : {}),
  };
}

/**
 * What a point is called next to it: the run's label without its strategy ("W=512"), or the
 * strategy when the rest only says what every run of it shares ("unbounded (320 tokens)").
 */
export function pointLabel(point: FrontierPoint): string {
  let rest = point.runLabel.startsWith(point.strategy)
    ? point.runLabel.slice(point.strategy.length).trim()
    : point.runLabel;
  if (rest.startsWith('(')) rest = point.strategy;
  const votes = point.samplesPerProblem > 1 ? `×${point.samplesPerProblem}` : '';
  return [rest, votes].filter(Boolean).join(' ');
}

/**
 * The efficiency frontier (docs/figures.md): one point per run, its per-problem accuracy against
 * every token it generated per problem (kept and discarded, summed over the problem's samples),
 * on a log axis; one legend entry per strategy (and model, when the runs have several); the
 * Pareto front as a staircase through ringed points, each labelled with the rest of its run's
 * name (to the right of a front point, at least its accuracy is reachable). Up and to the left
 * is better.
 */
export function frontierFigure(samples: readonly FigureSample[], options: { dark?: boolean } = {}): FigureSpec {
  const points = frontierPoints(samples.map(toFrontierSample));
  const table = { columns: TABLE_COLUMNS, rows: savingsRows(points) };
  if (points.length === 0) return emptyFigure('No runs to place on the frontier.', table);
  // Runs of several models: a series per strategy and model, so two models' Z1 runs differ.
  const modelOf = new Map(samples.map((s) => [s.runId, s.model]));
  const severalModels = new Set(modelOf.values()).size > 1;
  const seriesOf = (p: FrontierPoint) => (severalModels ? `${p.strategy}, ${modelOf.get(p.runId)}` : p.strategy);
  const bySeries = groupSamples(points, seriesOf);
  const data: PlotlyTrace[] = [...bySeries].map(([series, group], index) => {
    const style = seriesStyle(index, options.dark);
    return {
      type: 'scatter',
      mode: 'markers+text',
      name: series,
      x: group.map((p) => p.tokensPerProblem),
      y: group.map((p) => p.accuracy),
      // Only the front is labelled: it rises to the right, so a label up-left of its point
      // stays clear of the next one; the other runs are named by hover and the table.
      text: group.map((p) => (p.onFront ? pointLabel(p) : '')),
      textposition: 'top left',
      textfont: { size: LABEL_SIZE, color: style.colour },
      cliponaxis: false,
      marker: { color: style.colour, size: 7, symbol: style.symbol, line: { width: 0 } },
      customdata: group.map((p) => [p.runLabel, p.samplesPerProblem, p.vote, p.problems]),
      hovertemplate: `${escapeHover(series)}: %{customdata[0]}<br>%{y:.1%} of %{customdata[3]} problems at %{x:.0f} tokens per problem (k=%{customdata[1]}, %{customdata[2]})<extra></extra>`,
    } as PlotlyTrace;
  });
  const front = paretoFront(points);
  const ink = options.dark ? '#BBBBBB' : '#555555';
  data.push({
    type: 'scatter',
    mode: 'lines+markers',
    name: 'Pareto front',
    x: front.map((p) => p.tokensPerProblem),
    y: front.map((p) => p.accuracy),
    line: { color: ink, width: 1, shape: 'hv' },
    // An open symbol is drawn in the marker's colour: a ring around each front point.
    marker: { color: ink, size: 11, symbol: 'circle-open', line: { width: 1 } },
    hoverinfo: 'skip',
  } as PlotlyTrace);
  const xs = points.map((p) => Math.max(1, p.tokensPerProblem));
  const lo = Math.log10(Math.min(...xs));
  const hi = Math.log10(Math.max(...xs));
  // A fifth of the span (at least a quarter decade) on each side.
  const pad = Math.max(0.25, (hi - lo) * 0.2);
  const labelled = front.map((p) => ({ at: Math.log10(Math.max(1, p.tokensPerProblem)), label: pointLabel(p) }));
  return {
    data,
    // The labels sit left of their points: the axis starts far enough left for the widest.
    finish: ({ plotWidth }) => ({ xaxis: logAxis(labelled, lo - pad, hi + pad, plotWidth) }),
    layout: {
      xaxis: logAxis([], lo - pad, hi + pad, 0),
      // Room above 100% for the labels over the front's points, and below 0% for symmetry.
      yaxis: {
        title: { text: 'accuracy' },
        tickformat: '.0%',
        range: [-0.12, 1.14],
        tickvals: [0, 0.25, 0.5, 0.75, 1],
      },
      showlegend: true,
    },
    table,
  };
}

/** Label font size, as the efficiency figure's W labels. */
const LABEL_SIZE = 9;

/**
 * The log x axis from `start` to `end` (decades), moved left until every label, drawn left of
 * its point at `at`, fits: a label w wide needs start ≤ at − (w / plotWidth)·(end − start).
 */
function logAxis(labels: ReadonlyArray<{ at: number; label: string }>, start: number, end: number, plotWidth: number) {
  let from = start;
  for (const { at, label } of labels) {
    // The text starts a little left of the marker's centre.
    const share = (textWidth(label, LABEL_SIZE) + LABEL_SIZE / 2) / Math.max(1, plotWidth);
    if (share < 0.9) from = Math.min(from, (at - share * end) / (1 - share));
  }
  return {
    title: { text: FRONTIER_X_TITLE },
    type: 'log' as const,
    range: [from, end] as [number, number],
    tickmode: 'array' as const,
    ...logTicks(10 ** from, 10 ** end),
  };
}

function savingsRows(points: readonly FrontierPoint[]): FigureSpec['table']['rows'] {
  return tokensSavedTable(points).map(({ point: p, against }) => [
    p.runLabel,
    p.strategy,
    p.samplesPerProblem,
    p.vote,
    p.problems,
    p.correctProblems,
    p.accuracy,
    p.tokensPerProblem,
    p.onFront ? 1 : 0,
    against.unbounded.referenceLabel,
    against.unbounded.tokensSaved,
    against.unbounded.share,
    against['maj@k'].referenceLabel,
    against['maj@k'].tokensSaved,
    against['maj@k'].share,
  ]);
}
