/**
 * The plain data every figure draws: one record per sample, already reduced to the numbers a
 * figure needs. Figures never see the API or the store, so they can be tested and benchmarked
 * with fixed arrays.
 */
export interface FigureSample {
  /** Which stored run the sample belongs to, and how a legend names it. */
  runId: string;
  runLabel: string;
  strategy: string;
  /** W of a window strategy (or the budget maximum); null for unbounded runs. */
  window: number | null;
  model: string;
  problemId: string;
  /** The sample's key in its run, so a click can open its trajectory. */
  sampleKey: string;
  /** The thinking-token count the figure shows (phase 1 or delimited, chosen by the caller). */
  thinkingTokens: number;
  correct: boolean;
  /** Whether the window cut the thinking. */
  cut: boolean;
  /** Optional per-problem difficulty (e.g. a dataset's level), for the per-problem scatter. */
  difficulty?: number | null;
  /**
   * For the efficiency frontier: every token the sample kept (thinking, inserted text, answer),
   * the tokens it generated and threw away (probes that did not exit), the grader's normalised
   * answer a vote counts, and its weight in a confidence-weighted vote (absent: plain majority).
   * Samples from stored runs carry all of them; figure data made without totals counts the
   * thinking tokens.
   */
  totalTokens?: number;
  discardedTokens?: number;
  answerKey?: string | null;
  voteWeight?: number;
}

/** What a histogram, curve or table can be split by. */
export type GroupBy = 'strategy' | 'window' | 'model' | 'run';

export function groupKey(sample: FigureSample, by: GroupBy): string {
  switch (by) {
    case 'strategy':
      return sample.strategy;
    case 'window':
      return sample.window === null ? 'no window' : `W=${sample.window}`;
    case 'model':
      return sample.model;
    case 'run':
      return sample.runLabel;
  }
}

/** Groups in first-seen order (a legend follows the order the runs were listed in). */
export function groupSamples<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let group = groups.get(k);
    if (!group) groups.set(k, (group = []));
    group.push(item);
  }
  return groups;
}

/** A figure as Plotly draws it plus the table behind it, for CSV export. */
export interface FigureSpec {
  /** Plotly traces and layout (typed loosely here: the figure modules build them from data). */
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  /** The numbers drawn, one row per bar/point, for "export data as CSV". */
  table: { columns: string[]; rows: Array<Array<string | number | null>> };
  /**
   * Set when the data cannot make this figure meaningful (e.g. accuracy against W of runs that
   * have no window): the sentence shown instead of a plot, and no export is offered.
   */
  empty?: string;
  /**
   * The least plot-area height (in px or pt) at which the figure stays readable at this font
   * size: small multiples need room per panel, a bar per run a line per bar. Layouts make the
   * figure taller rather than squeeze it below this.
   */
  minPlotHeight?(fontSize: number): number;
  /**
   * What can only be placed once the plot area's size is known (labels that must not collide,
   * how many ticks fit): the screen and paper layouts call it and merge the result.
   */
  finish?(frame: FigureFrame): PlotlyLayout;
}

/** The size of the plot area a figure is drawn into, and its font, in Plotly px (= pt in exports). */
export interface FigureFrame {
  plotWidth: number;
  plotHeight: number;
  fontSize: number;
}

/** A figure that says why it is not drawn. */
export function emptyFigure(reason: string, table: FigureSpec['table']): FigureSpec {
  return { data: [], layout: {}, table, empty: reason };
}

export type PlotlyTrace = import('plotly.js-dist-min').Data;
export type PlotlyLayout = Partial<import('plotly.js-dist-min').Layout>;
