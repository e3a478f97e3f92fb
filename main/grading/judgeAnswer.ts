import type { AnswerGraderSettings } from '../../common/grading/graderSettings';
import { gradeChoice } from './choice/gradeChoice';
import type { GradeItem } from './gradeItem';
import { errorResult, type GradeResult } from './gradeResult';
import { gradeMath } from './math/gradeMath';
import { gradeExact } from './text/gradeExact';
import { gradeNumeric } from './text/gradeNumeric';
import { gradeRegex } from './text/gradeRegex';

export type { AnswerGraderSettings };

/**
 * Grades one response with a non-code grader, synchronously and without a time limit: what the
 * grading worker runs. Never throws: a failure of the grader itself is an `error` outcome.
 */
export function judgeAnswer(settings: AnswerGraderSettings, item: GradeItem): GradeResult {
  try {
    switch (settings.grader) {
      case 'math':
        return gradeMath(settings, item.gold, item.response);
      case 'mcq':
        return gradeChoice(settings, item);
      case 'exact':
        return gradeExact(settings, item.gold, item.response);
      case 'regex':
        return gradeRegex(settings, item.gold, item.response);
      case 'numeric':
        return gradeNumeric(settings, item.gold, item.response);
    }
  } catch (error) {
    return errorResult(`grader failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
