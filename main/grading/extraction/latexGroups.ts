/**
 * Index of the `}` that closes the `{` at `open`, or -1 when the group is never closed (a
 * truncated generation). `\{` and `\}` are literal braces in LaTeX and do not count; `\\` is a
 * line break, so the character after it is not escaped.
 */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Index of the bracket that closes the one at `open` for (), [] and {} nesting together, or -1. */
export function matchingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '{' || text[i + 1] === '}')) {
      // \{ \} delimit sets: they nest like brackets.
      depth += text[i + 1] === '{' ? 1 : -1;
      i++;
      if (depth === 0) return i;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Splits at `separator` characters that are not nested in (), [], {} or \{ \}. Intervals such as
 * `(0, 1]` close with another kind of bracket than they open, so only the depth is tracked.
 */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '{') depth++;
      else if (next === '}') depth--;
      else if (separator === '\\\\' && next === '\\' && depth === 0) {
        parts.push(text.slice(start, i));
        start = i + 2;
      }
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whether a top-level occurrence of `needle` (outside any brackets) exists. */
export function hasTopLevel(text: string, needle: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (depth === 0 && text.startsWith(needle, i)) return true;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '{') depth++;
      else if (next === '}') depth--;
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return false;
}
