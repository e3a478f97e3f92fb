import { z } from 'zod';
import { modelSettings } from '../settings/model';
import { promptSettings } from '../settings/prompt';

/**
 * The examiner prompt of the LIMO evaluation, which the Z1 evaluation uses to judge complex
 * answers (its `eval/general_evaluation/prompt.txt`): a system message, and the question, the
 * standard answer and the student's final answer as the user message.
 */
export const LIMO_JUDGE_SYSTEM = [
  "You are an experienced examiner who evaluates whether a student's answer to a given question is correct.",
  "Your task is to determine if the student's final answer matches the standard answer provided, based solely on correctness and the question's specific requirements.",
  "Do not perform any additional calculations or reinterpret the question. Simply compare the student's answer to the standard answer to determine if it satisfies the question's requirements.",
  '',
  'Focus strictly on:',
  '1. Understanding the exact requirement of the question.',
  "2. Comparing the student's final answer directly to the provided standard answer.",
  "3. Your task is not to solve the problem but to determine whether the student's answer is correct based on the question's requirements. Avoid any unnecessary analysis, assumptions, or re-solving the problem.",
  '',
  'Note:',
  "- For intervals/ranges: The student's answer must cover the EXACT SAME range as the standard answer, NOT just any single value or subset within that range;",
  '- If the standard answer contains multiple solutions connected by "or"/"and", all of them must be listed in the student\'s answer;',
  '- You must be deterministic - always declare the answer as either CORRECT or WRONG;',
  '',
  'Your response must include:',
  '## Analysis',
  "<Provide a brief and direct analysis that compares the student's answer to the standard answer>",
  '',
  '## Correctness',
  '<CORRECT/WRONG>',
].join('\n');
export const LIMO_JUDGE_TEMPLATE =
  "Question: {{problem}}\n\nStandard Answer: {{gold}}\n\nStudent's Final Answer: {{extracted}}";

/** The verdict after a "Correctness" heading, as the LIMO examiner prompt asks for it. */
export const DEFAULT_VERDICT_PATTERN = String.raw`#+\s*Correctness\s*:?\s*[*_\s]*(CORRECT|WRONG)\b`;

function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** Who judges and how its reply is read: shared by the `judge` grader and the cascade. */
export const judgeSettings = z
  .object({
    model: z
      .union([z.string().min(1), modelSettings])
      .describe(
        'The judge: the id of a model cell (a local GGUF or an "openai:" server), or model settings written out.',
      ),
    prompt: z
      .union([z.string().min(1), promptSettings])
      .nullable()
      .default(null)
      .describe(
        'The id of a prompt cell whose template uses {{problem}}, {{gold}}, {{response}} and {{extracted}}, or prompt settings written out; null: the LIMO examiner prompt the Z1 evaluation uses.',
      ),
    verdictPattern: z
      .string()
      .min(1)
      .refine(isRegex, { error: 'not a valid regular expression (JavaScript syntax, "u" flag)' })
      .default(DEFAULT_VERDICT_PATTERN)
      .describe(
        'Where the verdict is read in the reply: its last match\'s group named "verdict", else group 1. No match: the sample is "unparsed", never guessed.',
      ),
    correct: z.string().min(1).default('CORRECT').describe('The verdict that means correct (compared without case).'),
    wrong: z.string().min(1).default('WRONG').describe('The verdict that means wrong (compared without case).'),
    maxTokens: z
      .number()
      .int()
      .min(1)
      .max(32768)
      .default(1024)
      .describe('Tokens the judge may write (greedy decoding, seed 0).'),
  })
  .strict();
export type JudgeSettings = z.infer<typeof judgeSettings>;
