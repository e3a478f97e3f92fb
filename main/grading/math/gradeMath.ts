import type { MathGraderSettings } from '../../../common/grading/graderSettings';
import { extractAnswer } from '../extraction/extractAnswer';
import { unparsedResult, type GradeResult } from '../gradeResult';
import { mathAnswerKey, mathAnswersEqual } from './mathEqual';
import { normalizeMathAnswer } from './normalizeMath';

/** Enough prose to be a worked solution rather than an answer ("\text{Evelyn}" is an answer). */
const SOLUTION_WORDS = 12;

/**
 * The answer a gold text states. A gold with a \boxed{} (a MATH `solution`, or an answer written
 * "x \in \boxed{…}") or a worked solution that announces its answer ("The final answer is …") is
 * read as a response is; any other gold is the answer as written.
 */
export function goldAnswer(gold: string): string {
  const hasBox = /\\(?:boxed|fbox)(?![a-zA-Z])/.test(gold);
  const words = gold.replace(/\$[^$]*\$|\\[a-zA-Z]+/g, ' ').match(/[a-zA-Z]{3,}/g)?.length ?? 0;
  if (!hasBox && words < SOLUTION_WORDS) return gold;
  return extractAnswer(gold)?.text ?? gold;
}

export function gradeMath(settings: MathGraderSettings, gold: string, response: string): GradeResult {
  const found = extractAnswer(response, settings.fallbacks);
  if (!found) return unparsedResult('no \\boxed{}, "final answer" or "Answer:" in the response');
  if (normalizeMathAnswer(found.text).text === '')
    return unparsedResult(`the ${found.method} answer is empty after normalisation`);
  const verdict = mathAnswersEqual(goldAnswer(gold), found.text, { relativeTolerance: settings.relativeTolerance });
  return {
    outcome: verdict.equal ? 'correct' : 'wrong',
    correct: verdict.equal,
    extracted: found.text,
    method: found.method,
    span: found.span,
    reason: verdict.how,
    answerKey: mathAnswerKey(found.text),
  };
}
