import type { ExtractedAnswer } from '../extraction/extractAnswer';
import { lastBoxed, trimSpan } from '../extraction/extractAnswer';

/**
 * The option letter a response chose, among `count` options (A…): from \boxed{X}, then the last
 * "answer is X" / "Answer: X", then the last "(X)". Letters are upper case only, so that the
 * article in "the answer is a multiple of 3" is not read as option A. Null when none is found:
 * never a default letter.
 */
export function extractChoiceLetter(response: string, choices: readonly string[]): ExtractedAnswer | null {
  const last = String.fromCharCode(64 + Math.min(Math.max(choices.length, 1), 26));
  const letters = `A-${last}`;

  const boxed = lastBoxed(response);
  if (boxed) {
    const letter = new RegExp(`^(?:\\\\(?:text|textbf|mathrm|mathbf)\\s*\\{\\s*)?\\(?\\s*([${letters}])\\s*\\)?\\s*\\}?(?:[.:)]|\\s|$)`).exec(boxed.text);
    if (letter) return at(response, boxed.span[0] + boxed.text.indexOf(letter[1]!, letter.index), letter[1]!, 'boxed');
    const byText = matchChoiceText(boxed.text, choices);
    if (byText !== null) return { text: String.fromCharCode(65 + byText), method: 'choice-text', span: boxed.span };
  }

  const phrase = new RegExp(
    `[Aa]nswer(?:\\s+(?:is|should be|would be))?\\s*(?:[:：]|\\bis\\b)?\\s*(?:\\*\\*|__)?\\s*\\$?\\s*(?:\\\\(?:text|textbf|mathrm)\\s*\\{\\s*)?\\(?\\s*([${letters}])(?![A-Za-z0-9])`,
    'g',
  );
  const phrases = [...response.matchAll(phrase)];
  const lastPhrase = phrases[phrases.length - 1];
  if (lastPhrase) {
    const start = lastPhrase.index + lastPhrase[0].length - 1;
    return at(response, start, lastPhrase[1]!, 'answer-label');
  }

  const parenthesized = [...response.matchAll(new RegExp(`\\(([${letters}])\\)`, 'g'))];
  const lastParenthesized = parenthesized[parenthesized.length - 1];
  if (lastParenthesized) return at(response, lastParenthesized.index + 1, lastParenthesized[1]!, 'choice-parenthesized');
  return null;
}

function at(response: string, start: number, letter: string, method: ExtractedAnswer['method']): ExtractedAnswer {
  const span = trimSpan(response, start, start + 1);
  return { text: letter, method, span };
}

/** The option whose text the boxed answer repeats (exactly one, ignoring case and spacing). */
function matchChoiceText(text: string, choices: readonly string[]): number | null {
  const key = (s: string) => s.toLowerCase().replace(/\\text\s*\{([^}]*)\}/g, '$1').replace(/[\s$]/g, '');
  const wanted = key(text);
  if (!wanted) return null;
  const hits = choices.map((choice, i) => (key(choice) === wanted ? i : -1)).filter((i) => i >= 0);
  return hits.length === 1 ? hits[0]! : null;
}
