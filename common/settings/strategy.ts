import { z } from 'zod';

/** Z1's hint (arXiv 2504.00810, §3 "shifted thinking window"), appended when the window cuts. */
export const Z1_HINT = '\n\nI overthought it, the final answer should be:\n\n';
/** The variant that asks for the answer in \boxed{} (Z1 evaluation scripts, math benchmarks). */
export const Z1_BOXED_HINT = '\n\nI overthought it, the final answer in \\boxed{} should be:\n\n';

/**
 * DEER's defaults (Yang et al., "Dynamic Early Exit in Reasoning Models", arXiv 2504.15895, and
 * its code's vllm-deer.py): exit when the trial answer's confidence reaches 0.95; the answer is
 * induced by "\n**Final Answer**\n\\boxed" and read up to the box's closing brace, at most 20
 * tokens; at most 10 trial answers per sample. docs/engine.md, "Early exit (DEER)".
 */
export const DEER_THRESHOLD = 0.95;
export const DEER_INDUCING_TEXT = '\n**Final Answer**\n\\boxed';
export const DEER_TRIAL_STOP = '}';
export const DEER_TRIAL_BUDGET = 20;
export const DEER_MAX_PROBES = 10;
/** DEER probes where the model says "Wait"; the issue adds paragraph breaks within the thinking. */
export const EARLY_EXIT_TRANSITIONS: readonly string[] = ['Wait', '\n\n'];
/** DEER's thinking limit: 0.9 of the 16384-token budget (its code's `think_ratio` default). */
export const EARLY_EXIT_WINDOW = 14745;

/**
 * Both schemas of the strategies come from this one definition: `tokens` is either a plain count
 * (one strategy, what the engine runs) or a count-or-list (a window cell, where a list sweeps).
 */
function defineStrategies<T extends z.ZodType>(count: (base: z.ZodNumber) => T) {
  const tokens = (doc: string) => count(z.number().int().min(0)).describe(doc);
  // A default is always a single count, also where a list would be accepted.
  const tokensOr = (fallback: number, doc: string) =>
    (tokens(doc) as unknown as { default(value: number): z.ZodDefault<T> }).default(fallback);

  const overallBudget = tokensOr(
    16384,
    'Overall budget of generated tokens for the sample: thinking, inserted text and answer together.',
  );

  const shiftedWindowSettings = z
    .object({
      strategy: z.literal('shifted-window').describe("Z1's shifted thinking window (arXiv 2504.00810)."),
      window: tokens(
        'W: at most this many tokens are generated in phase 1. If the model stops by itself before or exactly at W, the sample is done; otherwise the hint is appended and the answer generated.',
      ),
      hint: z
        .string()
        .default(Z1_HINT)
        .describe(
          'Text appended when the window cuts the thinking. Z1 uses "\\n\\nI overthought it, the final answer should be:\\n\\n"; a variant asks for the answer in \\boxed{}.',
        ),
      answerBudget: tokensOr(1024, 'Tokens the model may generate for its answer after the hint.'),
      maxTokens: overallBudget,
    })
    .strict();

  const budgetForcingSettings = z
    .object({
      strategy: z.literal('budget-forcing').describe('s1 budget forcing (arXiv 2501.19393).'),
      maxThinkingTokens: tokens(
        'On reaching this many thinking tokens, the end-of-thinking delimiter and the answer cue are forced.',
      ),
      minThinkingTokens: tokensOr(
        0,
        'When the model tries to end its thinking before this many tokens, the delimiter is suppressed and "Wait" appended (at most maxWaits times).',
      ),
      maxWaits: z
        .number()
        .int()
        .min(0)
        .max(64)
        .default(1)
        .describe('How many times "Wait" may be appended to extend thinking.'),
      waitText: z.string().default('Wait').describe('The text that extends thinking (s1 uses "Wait").'),
      endOfThinking: z
        .string()
        .default('</think>')
        .describe('The delimiter that ends thinking, as the model writes it.'),
      answerCue: z
        .string()
        .default('\n\nFinal Answer:')
        .describe('Text appended after a forced end of thinking so the model answers at once (s1: "Final Answer:").'),
      answerBudget: tokensOr(1024, 'Tokens the model may generate for its answer after thinking ends.'),
      maxTokens: overallBudget,
    })
    .strict();

  const hardCutSettings = z
    .object({
      strategy: z
        .literal('hard-cut')
        .describe('Stop at W tokens with no hint: the control that shows what the hint buys.'),
      window: tokens('W: generation stops after this many tokens, whatever the model was doing.'),
      maxTokens: overallBudget,
    })
    .strict();

  const unboundedSettings = z
    .object({
      strategy: z.literal('unbounded').describe('No window: only the overall token budget (the baseline).'),
      maxTokens: overallBudget,
    })
    .strict();

  // A default is always a single value, also where a list would be accepted (a sweep).
  const sweptOr = (base: z.ZodNumber, fallback: number, doc: string) =>
    (count(base).describe(doc) as unknown as { default(value: number): z.ZodDefault<T> }).default(fallback);

  const deepConfSettings = z
    .object({
      strategy: z
        .literal('deepconf')
        .describe(
          "DeepConf (arXiv 2508.15260): the run's samples are a problem's parallel traces; warm-up traces set a confidence threshold, later traces stop when their group confidence falls below it, and sampling stops when the confidence-weighted vote agrees.",
        ),
      keepPercent: sweptOr(
        z.number().gt(0).max(100),
        10,
        'η: the most confident η % of the warm-up traces would pass the stopping threshold, which is the (100 − η)-th percentile of their lowest group confidences. 10 is DeepConf-low, 90 DeepConf-high. A list sweeps.',
      ),
      warmupTraces: z
        .number()
        .int()
        .min(1)
        .default(16)
        .describe(
          "N_init: each problem's first traces, generated in full, that set the threshold (DeepConf: 16). At most the run's samples.",
        ),
      consensus: sweptOr(
        z.number().gt(0).max(1),
        0.95,
        "τ: a problem's sampling stops once the confidence-weighted vote's winner holds this share of the weight (DeepConf: 0.95); 1 samples every trace unless all agree. A list sweeps.",
      ),
      measure: z
        .enum(['lowest', 'bottom', 'tail'])
        .default('lowest')
        .describe(
          "The trace confidence that weighs the votes: the lowest sliding-window group confidence (DeepConf's online default), the mean of the bottom 10 % of the windows, or the tail (last window). The window is the model's signals.groupSize.",
        ),
      maxTokens: overallBudget,
    })
    .strict();

  const earlyExitSettings = z
    .object({
      strategy: z
        .literal('early-exit')
        .describe(
          'DEER-style early exit (arXiv 2504.15895): at each reasoning transition a trial answer is induced and scored; the sample exits with it when the score reaches the threshold, else the trial is erased and the thinking goes on.',
        ),
      threshold: sweptOr(
        z.number().max(1),
        DEER_THRESHOLD,
        'Exit when the trial answer scores at least this (DEER: 0.95): a probability for "mean-probability", a log-probability (≤ 0) for "mean-logprob". A list sweeps, sharing every probe.',
      ),
      score: z
        .enum(['mean-probability', 'mean-logprob'])
        .default('mean-probability')
        .describe(
          "The trial answer's score: the mean probability of its tokens (DEER's default; the max-probability under greedy decoding), or their mean log-probability (the log of DEER's geometric mean, its Qwen3 variant).",
        ),
      transitions: z
        .array(z.string().min(1))
        .default([...EARLY_EXIT_TRANSITIONS])
        .describe(
          'Texts where the model moves to a new reasoning step; a trial answer is induced just before each (DEER: "Wait"; default also paragraph breaks). Transitions in a row count as one.',
        ),
      inducingText: z
        .string()
        .min(1)
        .default(DEER_INDUCING_TEXT)
        .describe(
          'Inserted after the thinking so far to induce the trial answer (DEER: "\\n**Final Answer**\\n\\\\boxed").',
        ),
      trialStopStrings: z
        .array(z.string().min(1))
        .default([DEER_TRIAL_STOP])
        .describe('The trial answer ends at any of these (DEER: the closing brace of \\boxed{…}).'),
      trialBudget: tokensOr(DEER_TRIAL_BUDGET, 'Tokens a trial answer may take (DEER: 20).'),
      maxProbes: z
        .number()
        .int()
        .min(0)
        .default(DEER_MAX_PROBES)
        .describe('Trial answers per sample at most (DEER: 10); after them the thinking goes on to its end.'),
      window: tokensOr(
        EARLY_EXIT_WINDOW,
        "The hard maximum of thinking tokens: as in Z1's shifted window, a thinking still going at W gets the hint and its answer (DEER: 0.9 of the 16384 budget).",
      ),
      hint: z.string().default(Z1_HINT).describe("Text appended when the window cuts the thinking (Z1's hint)."),
      answerBudget: tokensOr(1024, 'Tokens the model may generate for its answer after the hint.'),
      endOfThinking: z
        .string()
        .default('</think>')
        .describe('The delimiter that ends thinking: after it the model answers and no trial answer is induced.'),
      maxTokens: overallBudget,
    })
    .strict()
    .superRefine((settings, context) => {
      // A threshold the score can never reach (or always reaches) is a mistake, not a setting.
      const [low, high] = settings.score === 'mean-probability' ? [0, 1] : [-Infinity, 0];
      const thresholds: unknown = settings.threshold;
      (Array.isArray(thresholds) ? thresholds : [thresholds]).forEach((threshold, i) => {
        if (typeof threshold !== 'number' || (threshold >= low && threshold <= high)) return;
        context.addIssue({
          code: 'custom',
          path: Array.isArray(thresholds) ? ['threshold', i] : ['threshold'],
          message:
            settings.score === 'mean-probability'
              ? 'a threshold on the mean probability lies between 0 and 1'
              : 'a threshold on the mean log-probability is at most 0',
        });
      });
    });

  return [
    shiftedWindowSettings,
    budgetForcingSettings,
    hardCutSettings,
    unboundedSettings,
    deepConfSettings,
    earlyExitSettings,
  ] as const;
}

const single = defineStrategies((n) => n);
export const [
  shiftedWindowSettings,
  budgetForcingSettings,
  hardCutSettings,
  unboundedSettings,
  deepConfSettings,
  earlyExitSettings,
] = single;

export const strategySettings = z.discriminatedUnion('strategy', [...single]);
export type StrategySettings = z.infer<typeof strategySettings>;
export type StrategyName = StrategySettings['strategy'];
export type DeepConfSettings = Extract<StrategySettings, { strategy: 'deepconf' }>;
export const strategyNames = [
  'shifted-window',
  'budget-forcing',
  'hard-cut',
  'unbounded',
  'deepconf',
  'early-exit',
] as const;

/** A count, or a list of counts to sweep over (a window cell's `"window": [512, 1024, 2048]`). */
const sweepable = (n: z.ZodNumber) =>
  z.union([n, z.array(n).min(1)], { error: 'expected a whole number of tokens (≥ 0) or a non-empty list of them' });
const swept = defineStrategies(sweepable);

/**
 * Whether a value in a window cell is a list to sweep over: a list of numbers. Lists of texts
 * (early exit's `transitions`) are one setting.
 */
export function isSweptValue(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number');
}
export const sweepableStrategySettings = z.discriminatedUnion('strategy', [...swept]);
export type SweepableStrategySettings = z.infer<typeof sweepableStrategySettings>;

/**
 * How a strategy is named in tables, legends and stored runs ("shifted-window W=512",
 * "budget-forcing max=512 min=128", "unbounded (16384 tokens)"): the one definition that the
 * runner, the exports and the renderer share.
 */
export function strategyLabel(strategy: StrategySettings): string {
  switch (strategy.strategy) {
    case 'shifted-window':
    case 'hard-cut':
      return `${strategy.strategy} W=${strategy.window}`;
    case 'budget-forcing':
      return `budget-forcing max=${strategy.maxThinkingTokens}${strategy.minThinkingTokens > 0 ? ` min=${strategy.minThinkingTokens}` : ''}`;
    case 'unbounded':
      return `unbounded (${strategy.maxTokens} tokens)`;
    case 'deepconf':
      return `deepconf η=${strategy.keepPercent}% τ=${strategy.consensus}`;
    case 'early-exit':
      return `early-exit θ=${strategy.threshold}${strategy.score === 'mean-logprob' ? ' (log-prob)' : ''} W=${strategy.window}`;
  }
}

/**
 * The W a strategy stands at on a window axis: its window (early exit's hard maximum), or the
 * budget maximum of budget forcing; null for unbounded (no window).
 */
export function strategyWindow(strategy: StrategySettings): number | null {
  switch (strategy.strategy) {
    case 'shifted-window':
    case 'hard-cut':
    case 'early-exit':
      return strategy.window;
    case 'budget-forcing':
      return strategy.maxThinkingTokens;
    case 'unbounded':
    case 'deepconf':
      return null;
  }
}
