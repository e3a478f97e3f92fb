import { z } from 'zod';
import { codeTest } from './code/codeTest';

const text = z.union([z.string(), z.number()], { error: 'expected a string or a number' }).transform(String);

/** What a grader is given: one response to one problem. */
export const gradeItem = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  problem: z.string().optional().describe('The problem as the model was given it (an LLM judge reads it).'),
  gold: text.describe('The reference answer (for code graders: unused, may be empty).'),
  response: z.string().describe('The model output, final answer included.'),
  choices: z.array(text).min(2).max(26).optional().describe('Multiple choice: the options in the dataset\'s order.'),
  shuffleSeed: z.number().int().min(0).optional().describe('Multiple choice: this problem\'s stored shuffle seed (else derived from the grader seed and id).'),
  tests: z.array(codeTest).optional().describe('Code: the tests to run.'),
});
export type GradeItem = z.output<typeof gradeItem>;
export type GradeItemInput = z.input<typeof gradeItem>;
