import type { MathGraderSettings } from '../../../common/grading/graderSettings';
import { extractAnswer } from '../extraction/extractAnswer';
import { unparsedResult, type GradeResult } from '../gradeResult';
import { mathAnswerKey, mathAnswersEqual } from './mathEqual';
import { normalizeMathAnswer } from './normalizeMath';

export function gradeMath(settings: MathGraderSettings, gold: string, response: string): GradeResult {
  const found = extractAnswer(response, settings.fallbacks);
  if (!found) return unparsedResult('no \\boxed{}, "final answer" or "Answer:" in the response');
  if (normalizeMathAnswer(found.text).text === '') return unparsedResult(`the ${found.method} answer is empty after normalisation`);
  const verdict = mathAnswersEqual(gold, found.text, { relativeTolerance: settings.relativeTolerance });
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
