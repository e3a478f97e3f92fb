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
