import { hasTopLevel, matchingBracket, splitTopLevel } from '../extraction/latexGroups';

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
  | { kind: 'matrix'; rows: MathAnswer[][] };

const MAX_DEPTH = 8;

export function parseMathAnswer(text: string, depth = 0): MathAnswer {
  text = text.trim();
  if (depth > MAX_DEPTH) return { kind: 'scalar', text };

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

  const commaParts = splitTopLevel(text, ',');
  if (commaParts.length >= 2) return { kind: 'list', items: commaParts.map((part) => parseMathAnswer(part, depth + 1)) };

  const membership = /^([a-zA-Z]|\\[a-zA-Z]+)(?:_\{?\w+\}?)?\s*\\in(?![a-zA-Z])(.+)$/.exec(text);
  if (membership) return parseMathAnswer(membership[2]!, depth + 1);

  if (hasTopLevel(text, '=')) {
    const sides = splitTopLevel(text, '=');
    if (sides.length === 2 && sides[0]!.trim() && sides[1]!.trim()) return { kind: 'equation', lhs: sides[0]!.trim(), rhs: sides[1]!.trim() };
    return { kind: 'scalar', text };
  }

  if (text === '\\emptyset') return { kind: 'set', items: [] };
  if (text.startsWith('\\{') && text.endsWith('\\}') && matchingBracket(text, 0) === text.length - 1) {
    const inner = text.slice(2, -2).trim();
    return { kind: 'set', items: inner ? splitTopLevel(inner, ',').map((part) => parseMathAnswer(part, depth + 1)) : [] };
  }

  const first = text[0];
  const last = text[text.length - 1];
  if ((first === '(' || first === '[') && (last === ')' || last === ']') && matchingBracket(text, 0) === text.length - 1) {
    const inner = text.slice(1, -1);
    const items = splitTopLevel(inner, ',');
    if (items.length >= 2) {
      return { kind: 'sequence', open: first, close: last, items: items.map((part) => parseMathAnswer(part, depth + 1)) };
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

/** The answer spelled back in one canonical way (for keys and reports). */
export function formatMathAnswer(answer: MathAnswer): string {
  switch (answer.kind) {
    case 'scalar':
      return answer.text;
    case 'equation':
      return `${answer.lhs}=${answer.rhs}`;
    case 'sequence':
      return `${answer.open}${answer.items.map(formatMathAnswer).join(',')}${answer.close}`;
    case 'set':
      return `\\{${answer.items.map(formatMathAnswer).join(',')}\\}`;
    case 'list':
      return answer.items.map(formatMathAnswer).join(',');
    case 'union':
      return answer.items.map(formatMathAnswer).join('\\cup');
    case 'matrix':
      return `\\begin{pmatrix}${answer.rows.map((row) => row.map(formatMathAnswer).join('&')).join('\\\\')}\\end{pmatrix}`;
  }
}
