import { graderSettings, type GraderSettingsInput } from '../../common/grading/graderSettings';
import { gradeCode } from './code/gradeCode';
import { gradeItem, type GradeItemInput } from './gradeItem';
import { gradeWithJudge, type JudgeFunction } from './judge/gradeWithJudge';
import { errorResult, type GradeResult } from './gradeResult';
import { sharedGradingPool, type GradingPool } from './worker/gradingPool';
import { formatIssues } from '../../common/api/validate';

export interface GradeOptions {
  /** Worker threads for the answer graders (default: the shared pool). */
  pool?: GradingPool;
  /** Cancels code tests in flight. */
  signal?: AbortSignal;
  /** Asks the judge model of a `judge` or `rules-then-judge` grader (the runner supplies it). */
  judge?: JudgeFunction;
}

/**
 * Grades one response: the entry the runner and the CLI call. Settings and item are validated
 * here; whatever goes wrong, the promise resolves with a result (an `error` outcome), it never
 * rejects. Answer graders run in worker threads with a time limit, code in the sandbox.
 */
export async function grade(
  settings: GraderSettingsInput,
  item: GradeItemInput,
  options: GradeOptions = {},
): Promise<GradeResult> {
  const parsedSettings = graderSettings.safeParse(settings);
  if (!parsedSettings.success)
    return errorResult(`invalid grader settings: ${formatIssues('', parsedSettings.error.issues)}`);
  const parsedItem = gradeItem.safeParse(item);
  if (!parsedItem.success) return errorResult(`invalid item: ${formatIssues('', parsedItem.error.issues)}`);
  const s = parsedSettings.data;
  try {
    if (s.grader === 'code') return await gradeCode(s, parsedItem.data, options.signal);
    const pool = options.pool ?? sharedGradingPool();
    if (s.grader === 'judge' || s.grader === 'rules-then-judge') {
      return await gradeWithJudge(s, parsedItem.data, {
        judge: options.judge,
        rules: (rules) => pool.run(rules, parsedItem.data, rules.timeLimitMs),
      });
    }
    return await pool.run(s, parsedItem.data, s.timeLimitMs);
  } catch (error) {
    return errorResult(`grader failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
