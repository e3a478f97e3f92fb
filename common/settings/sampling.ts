import { z } from 'zod';

/** Sampling settings; defaults are llama.cpp's (greedy unless temperature > 0). */
export const samplingSettings = z
  .object({
    temperature: z.number().min(0).max(10).default(0).describe('0 means greedy decoding (deterministic).'),
    topK: z.number().int().min(0).default(40).describe('Keep the K most likely tokens (0 = all).'),
    topP: z.number().gt(0).max(1).default(0.95).describe('Nucleus sampling: keep the smallest set with this much probability.'),
    minP: z.number().min(0).max(1).default(0).describe('Drop tokens below this fraction of the most likely one.'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0)
      .describe("The run's seed. Each sample's seed derives from (run seed, problem id, sample index), so results do not depend on scheduling."),
  })
  .strict();
export type SamplingSettings = z.infer<typeof samplingSettings>;
