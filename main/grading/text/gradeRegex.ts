import type { RegexGraderSettings } from '../../../common/grading/graderSettings';
import { unparsedResult, type GradeResult } from '../gradeResult';
import { comparableText } from './textAnswer';

/**
 * The last match of the pattern is the answer: its group named "answer", else group 1, else the
 * whole match. A pathological pattern can backtrack for ever, which is why grading runs in a
 * worker thread with a time limit.
 */
export function gradeRegex(settings: RegexGraderSettings, gold: string, response: string): GradeResult {
  const pattern = new RegExp(settings.pattern, settings.caseSensitive ? 'gu' : 'giu');
  let last: RegExpExecArray | null = null;
  for (let match = pattern.exec(response); match; match = pattern.exec(response)) {
    last = match;
    if (match[0].length === 0) pattern.lastIndex++;
  }
  if (!last) return unparsedResult(`the pattern /${settings.pattern}/ does not match the response`);
  const group = last.groups?.['answer'] !== undefined ? 'answer' : last[1] !== undefined ? 1 : 0;
  const text = group === 'answer' ? last.groups!['answer']! : last[group as number]!;
  const offset = last.index + (group === 0 ? 0 : Math.max(0, last[0].indexOf(text)));
  const answer = comparableText(text, settings.caseSensitive);
  const expected = comparableText(gold, settings.caseSensitive);
  const equal = answer === expected;
  return {
    outcome: equal ? 'correct' : 'wrong',
    correct: equal,
    extracted: text,
    method: 'regex',
    span: [offset, offset + text.length],
    reason: equal ? 'same text' : `"${answer}" is not "${expected}"`,
    answerKey: answer,
  };
}
