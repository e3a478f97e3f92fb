import { z } from 'zod';

export const promptSettings = z
  .object({
    template: z
      .string()
      .min(1)
      .describe('The user message; {{problem}} and other {{variables}} are filled from each dataset row.'),
    chatTemplate: z
      .enum(['model', 'raw'])
      .default('model')
      .describe('"model": wrap the message in the GGUF\'s own chat template; "raw": send the template text as the whole prompt.'),
    systemPrompt: z.string().nullable().default(null).describe('A system message (none by default).'),
    thinkPrefix: z
      .string()
      .default('')
      .describe('Text appended after the assistant turn starts; Z1\'s code evaluation uses "<think>\\n".'),
    stopStrings: z.array(z.string().min(1)).default([]).describe('Generation ends when one of these appears.'),
  })
  .strict();
export type PromptSettings = z.infer<typeof promptSettings>;
