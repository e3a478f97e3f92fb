import type { ExtractedAnswer } from './boxedAnswers';
import { mathSpans, type MathSpan } from './mathSpans';
import { trimSpan } from './trimSpan';
import type { ExtractionMethod } from '../gradeResult';

/**
 * Phrases that announce an answer, most specific first. "final answer should be:" is Z1's hint
 * (arXiv 2504.00810): after a window cut the answer follows it, often without a box. "Answer" right
 * before math ("Answer \[ 9 \]") announces it too.
 */
const PHRASES: Array<{ method: ExtractionMethod; pattern: RegExp }> = [
  { method: 'final-answer', pattern: /final answer(?:\s+(?:should be|is|would be|will be))?\s*(?:[:：]|\bis\b)?/gi },
  { method: 'answer-label', pattern: /\banswer(?:\*\*|__)?\s*[:：]/gi },
  { method: 'answer-label', pattern: /\banswer\b(?=[ \t]*(?:\$|\\\(|\\\[))/gi },
  { method: 'answer-is', pattern: /\b(?:the )?answers? (?:is|are)\b\s*:?/gi },
];

/** How far after a phrase its sentence is looked for. */
const SENTENCE_LIMIT = 2000;

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

/**
 * The answer in the sentence after a phrase: the sentence runs to the end of its line or its full
 * stop, with math spans (which may hold line breaks and decimal points) taken whole. The
 * mathematics is taken out of a sentence ("The largest $n$ is 34." answers 34, see `answerInSentence`).
 */
function phrasePayload(text: string, from: number): [number, number] | null {
  let i = from;
  while (i < text.length && /[\s*_]/.test(text[i]!)) i++;
  const limit = Math.min(text.length, i + SENTENCE_LIMIT);
  const spans = mathSpans(text, i, limit);
  const mask = maskSpans(text, i, limit, spans);
  const stop = /\n|(?<!\d)\.(?=\s|$)|(?<=\d)\.(?=\s|$)|\s+I hope it is correct/.exec(mask);
  const end = stop ? i + stop.index : limit;
  const inside = spans.filter((span) => span.outer[1] <= end);
  const found = answerInSentence(text, i, end, inside, mask.slice(0, end - i));
  if (!found) return null;
  const span = trimSpan(text, found[0], found[1]);
  return span[1] > span[0] ? span : null;
}

/** The text with every math span's content replaced by a neutral character, so that prose rules skip mathematics. */
function maskSpans(text: string, from: number, to: number, spans: MathSpan[]): string {
  let mask = text.slice(from, to);
  for (const span of spans) {
    const a = span.outer[0] - from;
    const b = span.outer[1] - from;
    mask = mask.slice(0, a) + '\u0002'.repeat(b - a) + mask.slice(b);
  }
  return mask;
}

const COPULA = /(?:^|[^a-zA-Z])(?:is|are|was|were|be|equals|becomes|gives)(?![a-zA-Z])|=/g;
const CONNECTIVE_GAP = /^\s*(?:,|;|\band\b|\bor\b|,\s*and\b|,\s*or\b)?\s*$/;
const LEADING_NUMBER = /^[-+]?\\?\$?\s*\d[\d,]*(?:\.\d+)?(?:\/\d+)?(?:\s*(?:\\?%|percent\b))?/;

/**
 * A sentence with prose keeps only its mathematics: what follows its last "is / are / equals / =";
 * there, a run of math spans joined by "and", "or" or commas ("$12$ and $13$"), else a leading
 * number ("12 distinct sequences" answers 12), else the sentence's only number, else the rest as
 * written (text answers such as "Evelyn"). A sentence without prose is the answer as it stands.
 */
function answerInSentence(
  text: string,
  start: number,
  end: number,
  spans: MathSpan[],
  mask: string,
): [number, number] | null {
  const prose = /[a-zA-Z]{3,}/.test(mask.replace(/\\[a-zA-Z]+/g, ' ').replace(/\b(?:and|or)\b/g, ' '));
  let from = start;
  if (prose) {
    const copulas = [...mask.matchAll(COPULA)];
    const last = copulas.at(-1);
    if (last) from = start + last.index + last[0].length;
  }
  while (from < end && (/[\s"'“”‘’:*]/.test(text[from]!) || (text[from] === '\\' && text[from + 1] === '"'))) from++;
  if (from >= end) return null;
  const rest = spans.filter((span) => span.outer[0] >= from);
  if (rest.length > 0 && rest[0]!.outer[0] === from) {
    let last = 0;
    while (last + 1 < rest.length && CONNECTIVE_GAP.test(text.slice(rest[last]!.outer[1], rest[last + 1]!.outer[0])))
      last++;
    if (
      !prose &&
      rest[last]!.outer[1] < end &&
      /\S/.test(text.slice(rest[last]!.outer[1], end).replace(/[.,;:!"'“”‘’\\]/g, ''))
    )
      return [from, end];
    return [from, rest[last]!.outer[1]];
  }
  if (prose) {
    const number = LEADING_NUMBER.exec(text.slice(from, end));
    if (number) return [from, from + number[0].length];
    // "Jane started growing Sphere 3 hours ago.": the one number of a sentence without math.
    const numbers = [...mask.slice(from - start).matchAll(/(?<![\w.])-?\d+(?:\.\d+)?(?:\/\d+)?(?![\w.])/g)];
    if (rest.length === 0 && numbers.length === 1) {
      const at = from + numbers[0]!.index;
      return [at, at + numbers[0]![0].length];
    }
  }
  return [from, end];
}
