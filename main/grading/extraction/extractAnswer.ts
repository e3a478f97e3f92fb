import type { AnswerFallback } from '../../../common/grading/graderSettings';
import { lastPhraseAnswer } from './answerPhrases';
import { lastBoxedGroup, type ExtractedAnswer } from './boxedAnswers';
import { mathSpans } from './mathSpans';
import { trimSpan } from './trimSpan';

export { lastBoxed, lastBoxedGroup, type ExtractedAnswer } from './boxedAnswers';
export { lastPhraseAnswer } from './answerPhrases';
export { trimSpan } from './trimSpan';

const NUMBER = /(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\/\d+)?|(?<![\w.])-?\.\d+/g;

function lastNumber(response: string, from = 0): ExtractedAnswer | null {
  const numbers = [...response.slice(from).matchAll(NUMBER)];
  const last = numbers.at(-1);
  if (!last) return null;
  const start = from + last.index;
  return { text: last[0], method: 'last-number', span: [start, start + last[0].length] };
}

/**
 * A response that is nothing but LaTeX ("\frac{10}{9}", "1 000", "x = 2, y = 3") is its own answer:
 * short, one line, no math delimiters, no words, and no letter-digit tokens ("s1 s2 s3" is a cut
 * generation, not mathematics).
 */
function isBareMath(text: string): boolean {
  if (text.length > 200 || /[$\n]|\\[([]/.test(text)) return false;
  const plain = text.replace(/\\[a-zA-Z]+/g, ' ');
  return /[\d\\]/.test(text) && !/[a-zA-Z]{3,}/.test(plain) && !/[a-zA-Z]\d/.test(plain.replace(/_\{?\d+\}?/g, ''));
}

/**
 * The last mathematics of a response: its last math span (`$…$`, `\(…\)`, `\[…\]`, `$$…$$`), or a
 * bare number written after it ("… the probability is 2/3."), whichever comes last.
 */
function lastMath(response: string): ExtractedAnswer | null {
  const whole = trimSpan(response, 0, response.length);
  if (whole[1] > whole[0] && isBareMath(response.slice(whole[0], whole[1])))
    return { text: response.slice(whole[0], whole[1]), method: 'last-math', span: whole };
  const span = mathSpans(response)
    .filter((s) => /\S/.test(response.slice(s.inner[0], s.inner[1])))
    .at(-1);
  const number = lastNumber(response, span ? span.outer[1] : 0);
  if (number) return { ...number, method: 'last-math' };
  if (!span) return null;
  const inner = trimSpan(response, span.inner[0], span.inner[1]);
  return { text: response.slice(inner[0], inner[1]), method: 'last-math', span: inner };
}

/**
 * "… = \boxed{255} … Final Answer: The final answer is $10,455$.": a final answer stated after the
 * last box replaces it (that box held an intermediate result).
 */
function finalAnswerAfter(response: string, from: number): ExtractedAnswer | null {
  const tail = response.slice(from);
  if (!/final answer/i.test(tail)) return null;
  const phrase = lastPhraseAnswer(tail);
  if (phrase?.method !== 'final-answer') return null;
  return { ...phrase, span: [from + phrase.span[0], from + phrase.span[1]] };
}

export function fallbackAnswer(response: string, fallback: AnswerFallback): ExtractedAnswer | null {
  if (fallback === 'last-math') return lastMath(response);
  if (fallback === 'last-number') return lastNumber(response);
  if (fallback === 'last-line') {
    let end = response.length;
    while (end > 0) {
      const start = response.lastIndexOf('\n', end - 1) + 1;
      const span = trimSpan(response, start, end);
      if (span[1] > span[0]) return { text: response.slice(span[0], span[1]), method: 'last-line', span };
      end = start - 1;
    }
    return null;
  }
  const span = trimSpan(response, 0, response.length);
  return span[1] > span[0] ? { text: response.slice(span[0], span[1]), method: 'whole-response', span } : null;
}

/**
 * The answer of a response: the last complete \boxed{} or \fbox{} (with the boxes that answer
 * together with it), else the last "final answer is …", "Answer: …" or "the answer is …", else the
 * fallbacks in order. Null means unparsed.
 */
export function extractAnswer(response: string, fallbacks: readonly AnswerFallback[] = []): ExtractedAnswer | null {
  const boxed = lastBoxedGroup(response);
  if (boxed) return finalAnswerAfter(response, boxed.span[1]) ?? boxed;
  const phrase = lastPhraseAnswer(response);
  if (phrase) return phrase;
  for (const fallback of fallbacks) {
    const answer = fallbackAnswer(response, fallback);
    if (answer) return answer;
  }
  return null;
}
