import { z } from 'zod';
import { judgeSettings } from './judgeSettings';

/**
 * Where an answer is looked for when the response has no \boxed{}, no "final answer is" and no
 * "Answer:" line. The math grader takes the last mathematics by default (`last-math`, as the
 * graders the field reports with do; the grade's `method` says so); exact takes none, so such a
 * response is `unparsed`. The paper's math grader (LIMO / Qwen2.5-Math `extract_answer`) falls back
 * to the last number, so `["last-number"]` reproduces its numbers.
 */
export const answerFallback = z
  .enum(['last-math', 'last-number', 'last-line', 'whole-response'])
  .describe(
    '"last-math": the last math span ($…$, \\(…\\), \\[…\\]) or a bare number after it; "last-number": the last number in the response; "last-line": its last non-empty line; "whole-response": all of it, trimmed.',
  );
export type AnswerFallback = z.infer<typeof answerFallback>;

const fallbacks = (defaults: AnswerFallback[]) =>
  z
    .array(answerFallback)
    .default(defaults)
    .describe(
      'Tried in order when no \\boxed{}, "the final answer is …" or "Answer: …" is found. Without a fallback such a response is graded "unparsed".',
    );

const timeLimitMs = z
  .number()
  .int()
  .min(10)
  .max(600_000)
  .default(5000)
  .describe('Time limit of one comparison in milliseconds; it runs in a worker thread that is stopped when the limit passes (outcome "error").');

export const mathGraderSettings = z
  .object({
    grader: z
      .literal('math')
      .describe('MATH-style answers: the last \\boxed{} compared by normalisation, exact arithmetic, numeric tolerance and a CAS (Compute Engine).'),
    fallbacks: fallbacks(['last-math']),
    relativeTolerance: z
      .number()
      .min(0)
      .max(0.1)
      .default(1e-4)
      .describe(
        'Relative tolerance used only when one side is a decimal approximation (0.7071 for \\frac{\\sqrt2}{2}); exact answers (integers, fractions, radicals) must be exactly equal. 1e-4 is the paper grader\'s rel_tol.',
      ),
    timeLimitMs,
  })
  .strict();

export const mcqGraderSettings = z
  .object({
    grader: z
      .literal('mcq')
      .describe('Multiple choice (GPQA style): the letter from \\boxed{X}, "Answer: X" or "(X)", mapped through the seeded shuffle to the option it names.'),
    shuffle: z
      .boolean()
      .default(true)
      .describe(
        'Present the options in a seeded per-problem order. GPQA-Diamond files list the right answer first, so without shuffling a model that always answers A scores 100%.',
      ),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0)
      .describe('Base seed of the shuffle; each problem\'s order derives from (seed, problem id) unless the problem stores its own shuffleSeed.'),
    timeLimitMs,
  })
  .strict();

export const exactGraderSettings = z
  .object({
    grader: z.literal('exact').describe('The extracted answer must equal the gold answer after trimming and collapsing whitespace.'),
    caseSensitive: z.boolean().default(false).describe('Compare letter case too (off: "Paris" equals "paris").'),
    fallbacks: fallbacks([]),
    timeLimitMs,
  })
  .strict();

export const regexGraderSettings = z
  .object({
    grader: z
      .literal('regex')
      .describe('The last match of `pattern` in the response is the answer (its group named "answer", else group 1, else the whole match), compared exactly with the gold answer.'),
    pattern: z
      .string()
      .min(1)
      .refine(
        (pattern) => {
          try {
            new RegExp(pattern, 'u');
            return true;
          } catch {
            return false;
          }
        },
        { error: 'not a valid regular expression (JavaScript syntax, "u" flag)' },
      )
      .describe('A JavaScript regular expression (unicode mode), e.g. "ANSWER:\\\\s*(\\\\w+)".'),
    caseSensitive: z.boolean().default(false).describe('Case-sensitive matching and comparison.'),
    timeLimitMs,
  })
  .strict();

export const numericGraderSettings = z
  .object({
    grader: z.literal('numeric').describe('The extracted answer is read as a number (1,234.5 / 3/4 / \\frac{3}{4} / 12%) and compared within a tolerance.'),
    tolerance: z.number().min(0).default(1e-6).describe('Absolute tolerance: |answer − gold| ≤ tolerance counts as correct.'),
    relativeTolerance: z
      .number()
      .min(0)
      .default(0)
      .describe('Relative tolerance, also accepted: |answer − gold| ≤ relativeTolerance·|gold|.'),
    fallbacks: fallbacks(['last-number']),
    timeLimitMs,
  })
  .strict();

export const codeGraderSettings = z
  .object({
    grader: z
      .literal('code')
      .describe('Runs the last fenced code block of the response against the tests with Python 3 in a sandboxed process; correct when every test passes.'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(6000)
      .describe('Wall-clock limit of one test in milliseconds (LiveCodeBench uses 6 s); the whole process tree is killed when it passes.'),
    totalTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(60_000)
      .describe('Wall-clock limit of all tests of one response; tests not started in time are reported as timeouts.'),
    memoryMb: z.number().int().min(32).max(65_536).default(512).describe('Address-space limit of the program in MiB (RLIMIT_AS).'),
    maxProcesses: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(32)
      .describe('Processes and threads the program may have at once (RLIMIT_NPROC under a user id of its own).'),
    maxOutputKb: z.number().int().min(1).max(1_048_576).default(1024).describe('Output a test may print, in KiB; more fails the test and stops it.'),
    maxFileMb: z.number().int().min(0).max(65_536).default(16).describe('Largest file the program may write, in MiB (RLIMIT_FSIZE).'),
    python: z
      .string()
      .default('auto')
      .describe('Python 3 interpreter: "auto" uses /usr/bin/python3 when it exists, else python3 on PATH.'),
    requireNetworkIsolation: z
      .boolean()
      .default(false)
      .describe('Refuse to run (outcome "error") where no network namespace can be created, instead of running with a note in the result.'),
    stopOnFirstFailure: z.boolean().default(false).describe('Skip the remaining tests after the first one that does not pass (they are reported as not run).'),
    sandbox: z
      .enum(['auto', 'none'])
      .default('auto')
      .describe(
        '"auto": the OS sandbox (bubblewrap on Linux, sandbox-exec on macOS); where there is none, code tests are refused with what to install. "none": run the programs unisolated, with your rights and network; every grade records it.',
      ),
  })
  .strict();

/** The graders that decide from the response's text alone (the rules a judge can back up). */
export const answerGraderSettings = z.discriminatedUnion('grader', [
  mathGraderSettings,
  mcqGraderSettings,
  exactGraderSettings,
  regexGraderSettings,
  numericGraderSettings,
]);

export const judgeGraderSettings = judgeSettings
  .extend({
    grader: z
      .literal('judge')
      .describe('An LLM judge (as the Z1 and LIMO evaluations use for complex answers): a model is asked whether the answer matches the gold one.'),
  })
  .strict();

export const cascadeGraderSettings = z
  .object({
    grader: z
      .literal('rules-then-judge')
      .describe('The rule grader first; the judge only where it says wrong or unparsed. Each grade records which of them decided.'),
    rules: answerGraderSettings.describe('The rule grader, e.g. {"grader": "math"}.'),
    judge: judgeSettings.describe('The judge consulted where the rules do not say correct.'),
  })
  .strict();

/** A grader and its settings, as a notebook or a run stores it. */
export const graderSettings = z.discriminatedUnion('grader', [
  mathGraderSettings,
  mcqGraderSettings,
  exactGraderSettings,
  regexGraderSettings,
  numericGraderSettings,
  codeGraderSettings,
  judgeGraderSettings,
  cascadeGraderSettings,
]);
export type GraderSettings = z.infer<typeof graderSettings>;
export type GraderSettingsInput = z.input<typeof graderSettings>;
export type GraderName = GraderSettings['grader'];
export type MathGraderSettings = z.infer<typeof mathGraderSettings>;
export type McqGraderSettings = z.infer<typeof mcqGraderSettings>;
export type ExactGraderSettings = z.infer<typeof exactGraderSettings>;
export type RegexGraderSettings = z.infer<typeof regexGraderSettings>;
export type NumericGraderSettings = z.infer<typeof numericGraderSettings>;
export type CodeGraderSettings = z.infer<typeof codeGraderSettings>;
export type AnswerGraderSettings = z.infer<typeof answerGraderSettings>;
export type JudgeGraderSettings = z.infer<typeof judgeGraderSettings>;
export type CascadeGraderSettings = z.infer<typeof cascadeGraderSettings>;

/** The graders that run without a model (the judge and the cascade need one: a notebook or `runs regrade`). */
export const graderNames = ['math', 'mcq', 'exact', 'regex', 'numeric', 'code'] as const satisfies readonly GraderName[];

/** Whether a grader runs code without any sandbox (`"sandbox": "none"`): every figure and table says so. */
export function runsCodeUnsandboxed(grader: GraderSettings): boolean {
  return grader.grader === 'code' && grader.sandbox === 'none';
}
