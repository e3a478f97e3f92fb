import type { ExtractionMethod } from '../gradeResult';
import { matchingBrace } from './latexGroups';
import { trimSpan } from './trimSpan';

export interface ExtractedAnswer {
  text: string;
  method: ExtractionMethod;
  /** [start, end) of `text` in the response; for several boxes, from the first box's content to the last's. */
  span: [number, number];
}

interface Box {
  method: ExtractionMethod;
  /** [start, end) of the content, trimmed. */
  content: [number, number];
  /** [start, end) of `\boxed{…}` itself. */
  outer: [number, number];
}

/** Every complete `\boxed{…}` / `\fbox{…}` (and brace-less `\boxed 5`) in order; unclosed ones are skipped. */
function completeBoxes(response: string): Box[] {
  const boxes: Box[] = [];
  for (const match of response.matchAll(/\\(boxed|fbox)(?![a-zA-Z])/g)) {
    const method: ExtractionMethod = match[1] === 'fbox' ? 'fbox' : 'boxed';
    let i = match.index + match[0].length;
    while (response[i] === ' ') i++;
    if (response[i] === '{') {
      const close = matchingBrace(response, i);
      if (close === -1) continue;
      const content = trimSpan(response, i + 1, close);
      if (content[1] > content[0]) boxes.push({ method, content, outer: [match.index, close + 1] });
      continue;
    }
    // `\boxed 5` (Hendrycks MATH accepts it): the token after the space.
    const token = /^[^\s$]+/.exec(response.slice(i));
    if (token && i > match.index + match[0].length) {
      const content = trimSpan(response, i, i + token[0].length);
      if (content[1] > content[0]) boxes.push({ method, content, outer: [match.index, i + token[0].length] });
    }
  }
  // A box inside a box (\boxed{\boxed{5}}) is part of the outer one.
  return boxes.filter(
    (box) => !boxes.some((other) => other !== box && other.outer[0] < box.outer[0] && box.outer[1] <= other.outer[1]),
  );
}

/**
 * The last complete `\boxed{…}` or `\fbox{…}`. An unclosed box at the end (a generation cut by the
 * token budget) is skipped in favour of an earlier complete one, since its content is unfinished.
 */
export function lastBoxed(response: string): ExtractedAnswer | null {
  const box = completeBoxes(response).at(-1);
  return box ? { text: response.slice(box.content[0], box.content[1]), method: box.method, span: box.content } : null;
}

/**
 * What may stand between two boxes of one answer: nothing but spacing, delimiters and punctuation
 * ("\boxed{1}, \boxed{2}", "\boxed{1}\boxed{2}"), or a few words with a connective ("\boxed{k = 45}
 * \quad \text{and} \quad \boxed{n = 2}", "\boxed{(3,3)} for part (a) and \boxed{(1,1)}"). Prose
 * without a connective separates answers ("\boxed{1} no no no no no \boxed{2}" answers 2), and so
 * does a restatement ("\boxed{3}, and so the answer is \boxed{7}" answers 7).
 */
function joinsBoxes(gap: string): boolean {
  if (gap.length > 60) return false;
  // A backslash right before the next box is that box's own, escaped twice (\\boxed).
  const plain = gap
    .replace(/\\+$/, '')
    .replace(/\\(?:text|mbox|textbf|mathrm)\s*\{([^{}]*)\}/g, ' $1 ')
    .replace(/\\q?quad(?![a-zA-Z])|\\[,;:! ]|\\\(|\\\)|\\\[|\\\]|\$|~/g, ' ')
    .trim();
  if (plain.includes('\\') || /\.(\s|$)/.test(plain)) return false;
  const words = plain.match(/[a-zA-Z]+/g) ?? [];
  if (words.length === 0) return true;
  // "\boxed{3} and so the answer is \boxed{7}" restates: a copula or "answer" separates.
  if (words.some((word) => /^(?:is|are|was|were|equals|answer|so|thus|therefore|hence)$/i.test(word))) return false;
  return words.length <= 6 && words.some((word) => /^(?:and|or)$/i.test(word));
}

/**
 * The answer in the last box, or in the last run of boxes that answer together (see `joinsBoxes`):
 * their contents are joined with ", " and compared as a list. Repeated contents count once.
 */
export function lastBoxedGroup(response: string): ExtractedAnswer | null {
  const boxes = completeBoxes(response);
  const last = boxes.at(-1);
  if (!last) return null;
  let first = boxes.length - 1;
  while (first > 0 && joinsBoxes(response.slice(boxes[first - 1]!.outer[1], boxes[first]!.outer[0]))) first--;
  const group = boxes.slice(first);
  if (group.length === 1)
    return { text: response.slice(last.content[0], last.content[1]), method: last.method, span: last.content };
  const contents = [...new Set(group.map((box) => response.slice(box.content[0], box.content[1])))];
  return { text: contents.join(', '), method: last.method, span: [group[0]!.content[0], last.content[1]] };
}
