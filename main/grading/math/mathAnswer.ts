import { hasTopLevel, matchingBracket, splitTopLevel } from '../extraction/latexGroups';
import { isLabel } from './labels';
import { relationSet } from './relationAnswer';

/**
 * The shape of a normalised MATH answer. Shapes decide how parts are matched: tuples and
 * intervals in order (their brackets must agree: (0,1] is not [0,1]), sets and bare
 * comma lists ("enter all solutions, separated by commas") in any order.
 */
export type MathAnswer =
  | { kind: 'scalar'; text: string }
  | { kind: 'equation'; lhs: string; rhs: string }
  | { kind: 'sequence'; open: '(' | '['; close: ')' | ']'; items: MathAnswer[] }
  | { kind: 'set'; items: MathAnswer[] }
  | { kind: 'list'; items: MathAnswer[] }
  | { kind: 'union'; items: MathAnswer[] }
  | { kind: 'matrix'; rows: MathAnswer[][] }
  /** An inequality in one unknown, as the set it describes (see relationAnswer.ts). */
  | { kind: 'relation'; variable: string; set: MathAnswer };

const MAX_DEPTH = 8;

export function parseMathAnswer(text: string, depth = 0): MathAnswer {
  text = text.trim();
  if (depth > MAX_DEPTH) return { kind: 'scalar', text };

  text = unwrapEnvironment(text);
  const matrix = /^\\begin\{([pbBvV]?matrix|array)\}(?:\{[^}]*\})?([\s\S]*)\\end\{\1\}$/.exec(text);
  if (matrix) {
    const rows = splitTopLevel(matrix[2]!, '\\\\')
      .map((row) => row.trim())
      .filter((row) => row.length > 0)
      .map((row) => splitTopLevel(row, '&').map((cell) => parseMathAnswer(cell, depth + 1)));
    return { kind: 'matrix', rows };
  }

  if (hasTopLevel(text, '\\cup')) {
    return { kind: 'union', items: splitTopLevelWord(text, '\\cup').map((part) => parseMathAnswer(part, depth + 1)) };
  }

  // "p=5,q=2; p=7,q=2": a semicolon separates more than a comma does.
  const semicolonParts = splitTopLevel(text, ';');
  if (semicolonParts.length >= 2 && semicolonParts.every((part) => part.trim())) {
    return { kind: 'list', items: semicolonParts.map((part) => parseMathAnswer(part, depth + 1)) };
  }
  const commaParts = splitTopLevel(text, ',');
  if (commaParts.length >= 2)
    return { kind: 'list', items: commaParts.map((part) => parseMathAnswer(part, depth + 1)) };

  const membership = /^([a-zA-Z]|\\[a-zA-Z]+)(?:_\{?\w+\}?)?\s*\\in(?![a-zA-Z])(.+)$/.exec(text);
  if (membership) return parseMathAnswer(membership[2]!, depth + 1);

  const approximation = splitTopLevelWord(text, '\\approx');
  if (approximation.length >= 2 && approximation.every(Boolean))
    return parseMathAnswer(exactPart(approximation), depth + 1);

  const relation = relationSet(text);
  if (relation)
    return { kind: 'relation', variable: relation.variable, set: parseMathAnswer(relation.intervals, depth + 1) };

  if (hasTopLevel(text, '=')) return equationOrValue(text, depth);

  if (text === '\\emptyset') return { kind: 'set', items: [] };
  if (text.startsWith('\\{') && text.endsWith('\\}') && matchingBracket(text, 0) === text.length - 1) {
    const inner = text.slice(2, -2).trim();
    return { kind: 'set', items: inner ? splitItems(inner).map((part) => parseMathAnswer(part, depth + 1)) : [] };
  }
  // {2, 3, 5} written without backslashes is a set too; {5} is a group.
  if (text.startsWith('{') && matchingBracket(text, 0) === text.length - 1) {
    const items = splitItems(text.slice(1, -1));
    if (items.length >= 2) return { kind: 'set', items: items.map((part) => parseMathAnswer(part, depth + 1)) };
    return parseMathAnswer(text.slice(1, -1), depth + 1);
  }

  const first = text[0];
  const last = text[text.length - 1];
  if (
    (first === '(' || first === '[') &&
    (last === ')' || last === ']') &&
    matchingBracket(text, 0) === text.length - 1
  ) {
    const inner = text.slice(1, -1);
    const items = splitItems(inner);
    if (items.length >= 2) {
      return {
        kind: 'sequence',
        open: first,
        close: last,
        items: items.map((part) => parseMathAnswer(part, depth + 1)),
      };
    }
    if (first === '(' && last === ')') return parseMathAnswer(inner, depth + 1);
  }

  // a \pm b is the pair of solutions a + b, a − b.
  const pm = text.split(/\\(?:pm|mp)(?![a-zA-Z])/);
  if (pm.length === 2 && pm[1]!.trim()) {
    const [a, b] = pm as [string, string];
    return { kind: 'list', items: [parseMathAnswer(`${a}+${b}`, depth + 1), parseMathAnswer(`${a}-${b}`, depth + 1)] };
  }
  return { kind: 'scalar', text };
}

/** The parts of a tuple or set: separated by commas, or by semicolons when there is no comma ("(0; -2; 6)"). */
function splitItems(inner: string): string[] {
  const commas = splitTopLevel(inner, ',');
  return commas.length >= 2 ? commas : splitTopLevel(inner, ';');
}

/** "[\begin{array}{cc}…\end{array}]" and "(\begin{pmatrix}…\end{pmatrix})" are the matrix inside. */
function unwrapEnvironment(text: string): string {
  const wrapped = /^[([]\s*(\\begin\{([a-zA-Z]*matrix|array)\}[\s\S]*\\end\{\2\})\s*[)\]]$/.exec(text);
  return wrapped ? wrapped[1]! : text;
}

/**
 * "x = 1/3 \approx 0.33": the exact value is the answer, the approximation a courtesy. When
 * the first part is only a name ("x \approx 11") the approximation is all there is.
 */
function exactPart(parts: string[]): string {
  const first = parts[0]!;
  return isLabel(first) ? `${first}=${parts[parts.length - 1]}` : first;
}

/** Without letters, a side is a computation: "5 + 5 + 1 = 11" states 11. */
function isComputation(side: string): boolean {
  return !/[a-zA-Z]/.test(side.replace(/\\(?:frac|dfrac|sqrt|cdot|times|div|left|right|pi)(?![a-zA-Z])/g, ''));
}

/**
 * An equation, or the value it states. A chain "x = 5 + 5 + 1 = 11" states its last side (named by
 * the first when that is a label); a computation "\frac12 = 0.5" states its right side.
 */
function equationOrValue(text: string, depth: number): MathAnswer {
  const sides = splitTopLevel(text, '=').map((side) => side.trim());
  if (sides.some((side) => side.length === 0)) return { kind: 'scalar', text };
  const first = sides[0]!;
  const last = sides[sides.length - 1]!;
  if (sides.length > 2)
    return isLabel(first) ? { kind: 'equation', lhs: first, rhs: last } : parseMathAnswer(last, depth + 1);
  if (isComputation(first) && !isComputation(last)) return { kind: 'equation', lhs: first, rhs: last };
  if (isComputation(first)) return parseMathAnswer(last, depth + 1);
  return { kind: 'equation', lhs: first, rhs: last };
}

/** Splits at a top-level LaTeX word such as \cup. */
function splitTopLevelWord(text: string, word: string): string[] {
  const marker = '\u0000';
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (depth === 0 && text.startsWith(word, i) && !/[a-zA-Z]/.test(text[i + word.length] ?? '')) {
      out += marker;
      i += word.length - 1;
      continue;
    }
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      if (next === '{') depth++;
      else if (next === '}') depth--;
      out += c + next;
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    out += c;
  }
  return out.split(marker).map((part) => part.trim());
}

/**
 * The answer spelled back in one canonical way (for keys and reports). With `unordered`, the parts
 * of sets, lists and unions are sorted, so that "1, 2" and "2, 1" vote together in maj@k.
 */
export function formatMathAnswer(answer: MathAnswer, unordered = false): string {
  const items = (parts: MathAnswer[]) => {
    const texts = parts.map((part) => formatMathAnswer(part, unordered));
    return unordered ? texts.sort() : texts;
  };
  switch (answer.kind) {
    case 'scalar':
      return answer.text;
    case 'equation':
      return `${answer.lhs}=${answer.rhs}`;
    case 'sequence':
      return `${answer.open}${answer.items.map((part) => formatMathAnswer(part, unordered)).join(',')}${answer.close}`;
    case 'set':
      return `\\{${items(answer.items).join(',')}\\}`;
    case 'list':
      return items(answer.items).join(',');
    case 'union':
      return items(answer.items).join('\\cup');
    case 'matrix':
      return `\\begin{pmatrix}${answer.rows.map((row) => row.map((cell) => formatMathAnswer(cell, unordered)).join('&')).join('\\\\')}\\end{pmatrix}`;
    case 'relation':
      return `${answer.variable}\\in${formatMathAnswer(answer.set, unordered)}`;
  }
}
