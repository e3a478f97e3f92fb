import { z } from 'zod';
import { signalSettings } from './signals';
import { openAiSourceProblem, remoteModelSettings } from './remoteModel';

export const modelSettings = z
  .object({
    source: z
      .string()
      .min(1)
      .superRefine((source, ctx) => {
        const problem = openAiSourceProblem(source);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe(
        'A local .gguf path, a Hugging Face URI such as "hf:user/repo:Q4_K_M" (downloaded into the models folder), or an OpenAI-compatible server such as "openai:http://127.0.0.1:8080/v1" (see `remote`).',
      ),
    backend: z
      .enum(['auto', 'cuda', 'metal', 'vulkan', 'cpu'])
      .default('auto')
      .describe('Compute backend; "auto" picks the best one this machine has.'),
    gpuLayers: z
      .union([z.literal('auto'), z.number().int().min(0)])
      .default('auto')
      .describe('Layers offloaded to the GPU: "auto" fits as many as memory allows.'),
    contextSize: z.number().int().min(64).default(8192).describe('Context size per sequence, in tokens.'),
    threads: z
      .union([z.literal('auto'), z.number().int().min(1)])
      .default('auto')
      .describe(
        'CPU threads; "auto" uses the physical cores (the library default can be 100x slower on small machines).',
      ),
    build: z
      .enum(['auto', 'prebuilt', 'native'])
      .optional()
      .describe(
        'llama.cpp build on a CPU: "auto" (the default) prepares a native build for this CPU in the background and uses it once checked; "prebuilt" never builds; "native" needs one.',
      ),
    parallel: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe('Samples generated at once, as sequences of one context.'),
    remote: remoteModelSettings.optional(),
    signals: signalSettings
      .optional()
      .describe('Per-token signals (log-probability, entropy, DeepConf confidence); absent: summaries only, K = 20.'),
  })
  .strict();
export type ModelSettings = z.infer<typeof modelSettings>;
