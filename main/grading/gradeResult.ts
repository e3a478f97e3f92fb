import { z } from 'zod';

/** How an answer was found in a response (recorded with every grade so a surprise can be traced). */
export const extractionMethod = z.enum([
  'boxed',
  'fbox',
  'final-answer',
  'answer-label',
  'answer-is',
  'last-math',
  'last-number',
  'last-line',
  'whole-response',
  'choice-parenthesized',
  'choice-text',
  'regex',
  'code-fence',
]);
export type ExtractionMethod = z.infer<typeof extractionMethod>;

/** `unparsed`: no answer could be found (never replaced by a default); `error`: the grader itself failed or timed out. */
export const gradeOutcome = z.enum(['correct', 'wrong', 'unparsed', 'error']);
export type GradeOutcome = z.infer<typeof gradeOutcome>;

export const testOutcome = z.enum(['pass', 'fail', 'timeout', 'memory', 'crash']);
export type TestOutcome = z.infer<typeof testOutcome>;

export const testResult = z.object({
  index: z.number().int().nonnegative(),
  outcome: testOutcome,
  reason: z.string(),
  durationMs: z.number().nonnegative(),
});
export type TestResult = z.infer<typeof testResult>;

/** What isolation a code run actually had, so a result never overstates its sandbox. */
export const sandboxReport = z.object({
  /** The sandbox that ran the code; "none" only when the grader settings opted out ("sandbox": "none"). */
  isolation: z.enum(['bubblewrap', 'sandbox-exec', 'none']),
  network: z.enum(['isolated', 'not-isolated']),
  pidNamespace: z.boolean(),
  privateTmp: z.boolean(),
  user: z.enum(['dedicated-uid', 'same-user']),
  notes: z.array(z.string()),
});
export type SandboxReport = z.infer<typeof sandboxReport>;

export const gradeResult = z.object({
  outcome: gradeOutcome,
  correct: z.boolean(),
  /** The answer as compared (cleaned), or null when none was found. */
  extracted: z.string().nullable(),
  method: extractionMethod.nullable(),
  /** Where the extracted text sits in the response: [start, end) in UTF-16 code units. */
  span: z.tuple([z.number().int(), z.number().int()]).nullable(),
  reason: z.string(),
  /** A canonical form of the answer: samples with equal keys vote together in maj@k. */
  answerKey: z.string().nullable(),
  tests: z.array(testResult).optional(),
  sandbox: sandboxReport.optional(),
});
export type GradeResult = z.infer<typeof gradeResult>;

export function errorResult(reason: string): GradeResult {
  return { outcome: 'error', correct: false, extracted: null, method: null, span: null, reason, answerKey: null };
}

export function unparsedResult(reason: string): GradeResult {
  return { outcome: 'unparsed', correct: false, extracted: null, method: null, span: null, reason, answerKey: null };
}
