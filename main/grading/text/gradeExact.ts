import type { ExactGraderSettings } from '../../../common/grading/graderSettings';
import { extractAnswer } from '../extraction/extractAnswer';
import { unparsedResult, type GradeResult } from '../gradeResult';
import { comparableText } from './textAnswer';

export function gradeExact(settings: ExactGraderSettings, gold: string, response: string): GradeResult {
  const found = extractAnswer(response, settings.fallbacks);
  if (!found) return unparsedResult('no \\boxed{}, "final answer" or "Answer:" in the response');
  const answer = comparableText(found.text, settings.caseSensitive);
  const expected = comparableText(gold, settings.caseSensitive);
  const equal = answer === expected;
  return {
    outcome: equal ? 'correct' : 'wrong',
    correct: equal,
    extracted: found.text,
    method: found.method,
    span: found.span,
    reason: equal ? 'same text' : `"${answer}" is not "${expected}"`,
    answerKey: answer,
  };
}
