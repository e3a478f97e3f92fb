import { z } from 'zod';

/**
 * Per-token signals (docs/engine.md, "Token signals"). Every generated token gets three numbers,
 * computed over the K most likely next tokens (renormalised over those K: the full vocabulary
 * would cost a sort of 150k logits per token on real models):
 * - `logprob`: log-probability of the token that was drawn (when it is not among the K, the
 *   K-th candidate's log-probability, an upper bound);
 * - `entropy`: entropy (nats) of the top-K distribution;
 * - `confidence`: DeepConf's token confidence (arXiv 2508.15260, eq. 2), the negative mean
 *   log-probability of the K candidates: high when the model is sure.
 */
export const tokenSignalsMode = z
  .enum(['off', 'summary', 'record'])
  .default('summary')
  .describe(
    'Per-token signals (log-probability, entropy, DeepConf confidence): "summary" stores per-sample summaries only, "record" also stores every token\'s values in a side file of the run (for the trace view), "off" computes nothing.',
  );
export type TokenSignalsMode = z.infer<typeof tokenSignalsMode>;

export const signalTopK = z
  .number()
  .int()
  .min(1)
  .max(100)
  .default(20)
  .describe('K: the signals are computed over the K most likely next tokens (DeepConf uses 20).');

/** DeepConf's group size: the sliding window over which token confidence is averaged. */
export const DEFAULT_GROUP_SIZE = 2048;

export const signalSettings = z
  .object({
    mode: tokenSignalsMode,
    topK: signalTopK,
    groupSize: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_GROUP_SIZE)
      .describe('Tokens per sliding window of the group confidence (DeepConf: 2048).'),
  })
  .strict();
export type SignalSettings = z.infer<typeof signalSettings>;
