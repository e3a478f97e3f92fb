import { z } from 'zod';

/**
 * One test of a code answer. `stdio`: LiveCodeBench's standard-input cases; `call`: a function
 * called with JSON arguments, its result compared with a JSON value; `function`: HumanEval's
 * `check(candidate)` with the entry point's name; `assert`: statements run after the solution;
 * `unittest`: BigCodeBench's unittest.TestCase classes, run after the solution.
 */
export const codeTest = z.preprocess(
  // `{input, output}` without a type is a stdio case, as datasets usually write them.
  (value) =>
    value && typeof value === 'object' && !('type' in value) && 'input' in value && 'output' in value
      ? { type: 'stdio', ...value }
      : value,
  z.discriminatedUnion('type', [
    z.object({
      type: z.literal('stdio'),
      input: z.string().describe('Given on standard input.'),
      output: z
        .string()
        .describe(
          'Expected standard output; compared line by line, trailing spaces and blank lines ignored, numbers by value.',
        ),
    }),
    z.object({
      type: z.literal('function'),
      code: z
        .string()
        .describe('Defines check(candidate), which raises (usually AssertionError) when the candidate is wrong.'),
      entryPoint: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .describe('Name of the function under test.'),
    }),
    z.object({
      type: z.literal('call'),
      entryPoint: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/)
        .describe(
          'The function called, or "Class.method" (LiveCodeBench\'s "Solution.method": called on a fresh instance).',
        ),
      args: z.array(z.unknown()).default([]).describe('Arguments, as JSON values.'),
      expected: z
        .unknown()
        .refine((value) => value !== undefined, { error: 'expected is required' })
        .describe('The expected result as a JSON value; compared by the grader (numbers by value, tuples as lists).'),
    }),
    z.object({
      type: z.literal('assert'),
      code: z.string().describe('Statements run after the solution in its namespace; passing means no exception.'),
    }),
    z.object({
      type: z.literal('unittest'),
      code: z
        .string()
        .describe('unittest.TestCase classes run after the solution; passing means every test method passes.'),
    }),
  ]),
);
export type CodeTest = z.infer<typeof codeTest>;
