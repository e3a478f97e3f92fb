/** A math-delimited part of a text: `$…$`, `$$…$$`, `\(…\)` or `\[…\]`. */
export interface MathSpan {
  /** [start, end) of the whole span, delimiters included. */
  outer: [number, number];
  /** [start, end) of the mathematics inside. */
  inner: [number, number];
}

const OPENERS: Array<{ open: string; close: string; display: boolean }> = [
  { open: '$$', close: '$$', display: true },
  { open: '\\[', close: '\\]', display: true },
  { open: '\\(', close: '\\)', display: false },
  { open: '$', close: '$', display: false },
];

/**
 * The math spans of `text` in order. Inline math (`$…$`, `\(…\)`) never crosses a line break, as in
 * LaTeX itself: "Answer $ \n 9 \n $" holds no span, while display math (`$$`, `\[`) may. `\$` is a
 * dollar sign, not a delimiter.
 */
export function mathSpans(text: string, from = 0, to = text.length): MathSpan[] {
  const spans: MathSpan[] = [];
  let i = from;
  while (i < to) {
    const c = text[i];
    if (c !== '$' && c !== '\\') {
      i++;
      continue;
    }
    if (c === '\\' && text[i + 1] !== '(' && text[i + 1] !== '[') {
      i += 2;
      continue;
    }
    const opener = OPENERS.find((o) => text.startsWith(o.open, i))!;
    const start = i + opener.open.length;
    // Inline math ends on its line: searching no further keeps a text full of "$5" prices linear.
    const lineEnd = opener.display ? to : text.indexOf('\n', start);
    const close = findClose(text, start, lineEnd === -1 || lineEnd > to ? to : lineEnd, opener.close);
    if (close === -1) {
      i = start;
      continue;
    }
    spans.push({ outer: [i, close + opener.close.length], inner: [start, close] });
    i = close + opener.close.length;
  }
  return spans;
}

function findClose(text: string, from: number, to: number, close: string): number {
  for (let i = from; i + close.length <= to; i++) {
    if (text[i] === '\\' && close !== '\\)' && close !== '\\]') {
      i++;
      continue;
    }
    if (text.startsWith(close, i)) {
      // A lone `$` closing inline math must not be the first half of `$$`.
      if (close === '$' && text[i + 1] === '$') return -1;
      return i;
    }
    if (text[i] === '\\') i++;
  }
  return -1;
}
