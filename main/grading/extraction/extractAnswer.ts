import type { AnswerFallback } from '../../../common/grading/graderSettings';
import type { ExtractionMethod } from '../gradeResult';
import { matchingBrace } from './latexGroups';

export interface ExtractedAnswer {
  text: string;
  method: ExtractionMethod;
  /** [start, end) of `text` in the response. */
  span: [number, number];
}

/**
 * The last complete `\boxed{…}` or `\fbox{…}`. An unclosed box at the end (a generation cut by the
 * token budget) is skipped in favour of an earlier complete one, since its content is unfinished.
 */
export function lastBoxed(response: string): ExtractedAnswer | null {
  const starts = [...response.matchAll(/\\(boxed|fbox)(?![a-zA-Z])/g)];
  for (let k = starts.length - 1; k >= 0; k--) {
    const match = starts[k]!;
    const method: ExtractionMethod = match[1] === 'fbox' ? 'fbox' : 'boxed';
    let i = match.index + match[0].length;
    while (response[i] === ' ') i++;
    if (response[i] === '{') {
      const close = matchingBrace(response, i);
      if (close === -1) continue;
      const span = trimSpan(response, i + 1, close);
      if (span[1] > span[0]) return { text: response.slice(span[0], span[1]), method, span };
      continue;
    }
    // `\boxed 5` (Hendrycks MATH accepts it): the token after the space.
    const token = /^[^\s$]+/.exec(response.slice(i));
    if (token && i > match.index + match[0].length) {
      const span = trimSpan(response, i, i + token[0].length);
      if (span[1] > span[0]) return { text: response.slice(span[0], span[1]), method, span };
    }
  }
  return null;
}

/**
 * Phrases that announce an answer, most specific first. "final answer should be:" is Z1's hint
 * (arXiv 2504.00810): after a window cut the answer follows it, often without a box.
 */
const PHRASES: Array<{ method: ExtractionMethod; pattern: RegExp }> = [
  { method: 'final-answer', pattern: /final answer(?:\s+(?:should be|is|would be|will be))?\s*(?:[:：]|\bis\b)?/gi },
  { method: 'answer-label', pattern: /\banswer(?:\*\*|__)?\s*[:：]/gi },
  { method: 'answer-is', pattern: /\bthe answer is\b\s*:?/gi },
];

export function lastPhraseAnswer(response: string): ExtractedAnswer | null {
  for (const { method, pattern } of PHRASES) {
    const matches = [...response.matchAll(pattern)];
    for (let k = matches.length - 1; k >= 0; k--) {
      const match = matches[k]!;
      // "final answer" alone (no "is", no colon) is not an announcement.
      if (method === 'final-answer' && !/(is|be|[:：])\s*$/i.test(match[0])) continue;
      const payload = phrasePayload(response, match.index + match[0].length);
      if (payload) return { text: response.slice(payload[0], payload[1]), method, span: payload };
    }
  }
  return null;
}

/** The answer after a phrase: a math-delimited group if one follows, else the rest of the line up to the sentence's end. */
function phrasePayload(text: string, from: number): [number, number] | null {
  let i = from;
  while (i < text.length && /[\s*_]/.test(text[i]!)) i++;
  const rest = text.slice(i);
  for (const [open, close] of [
    ['$$', '$$'],
    ['$', '$'],
    ['\\(', '\\)'],
    ['\\[', '\\]'],
  ] as const) {
    if (rest.startsWith(open)) {
      const end = text.indexOf(close, i + open.length);
      if (end === -1) break;
      const span = trimSpan(text, i, end + close.length);
      return span[1] > span[0] ? span : null;
    }
  }
  let end = text.indexOf('\n', i);
  if (end === -1) end = text.length;
  const line = text.slice(i, end);
  // A sentence ends at a period followed by a space (not a decimal point) or at "I hope it is correct".
  const stop = /(?<!\d)\.(?=\s)|(?<=\d)\.(?=\s)|\s+I hope it is correct/.exec(line);
  if (stop) end = i + stop.index;
  const span = trimSpan(text, i, end);
  return span[1] > span[0] ? span : null;
}

const NUMBER = /(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\/\d+)?|(?<![\w.])-?\.\d+/g;

export function fallbackAnswer(response: string, fallback: AnswerFallback): ExtractedAnswer | null {
  if (fallback === 'last-number') {
    const numbers = [...response.matchAll(NUMBER)];
    const last = numbers[numbers.length - 1];
    if (!last) return null;
    return { text: last[0], method: 'last-number', span: [last.index, last.index + last[0].length] };
  }
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
 * The answer of a response: the last complete \boxed{} or \fbox{}, else the last "final answer
 * is …", "Answer: …" or "the answer is …", else the fallbacks in order. Null means unparsed.
 */
export function extractAnswer(response: string, fallbacks: readonly AnswerFallback[] = []): ExtractedAnswer | null {
  const found = lastBoxed(response) ?? lastPhraseAnswer(response);
  if (found) return found;
  for (const fallback of fallbacks) {
    const answer = fallbackAnswer(response, fallback);
    if (answer) return answer;
  }
  return null;
}

/**
 * Narrows [start, end) past whitespace, Markdown emphasis, math delimiters and trailing
 * punctuation, so that the span points at exactly the text that is compared.
 */
export function trimSpan(text: string, start: number, end: number): [number, number] {
  const wrappers = [
    ['**', '**'],
    ['$$', '$$'],
    ['$', '$'],
    ['\\(', '\\)'],
    ['\\[', '\\]'],
  ] as const;
  let before: [number, number] | null = null;
  while (before === null || before[0] !== start || before[1] !== end) {
    before = [start, end];
    while (end > start && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    for (const [open, close] of wrappers) {
      if (end - start >= open.length + close.length && text.startsWith(open, start) && text.endsWith(close, end)) {
        start += open.length;
        end -= close.length;
      }
    }
    // A sentence's full stop or a list's comma after the answer (not "!": 5! is a factorial); \. and \, are LaTeX.
    while (end > start && /[.,;:]/.test(text[end - 1]!) && text[end - 2] !== '\\') end--;
    // Unbalanced leftovers such as a lone leading "$" or "**".
    if (text.startsWith('**', start) && !text.slice(start + 2, end).includes('**')) start += 2;
    if (text.endsWith('**', end) && end - 2 >= start && !text.slice(start, end - 2).includes('**')) end -= 2;
    if (text[start] === '$' && end > start && !text.slice(start + 1, end).includes('$')) start++;
    if (text[end - 1] === '$' && end > start && !text.slice(start, end - 1).includes('$')) end--;
  }
  return [start, Math.max(start, end)];
}
