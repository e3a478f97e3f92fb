/**
 * The spelling exact comparison sees: outer \text{}/\textbf{}/\mathrm{} unwrapped (a boxed word is
 * usually written \boxed{\text{Paris}}), whitespace trimmed and collapsed, case folded unless asked.
 */
export function comparableText(text: string, caseSensitive: boolean): string {
  let s = text.trim();
  for (let guard = 0; guard < 5; guard++) {
    const wrapped = /^\\(?:text|textbf|textit|mathrm|mathbf|mbox)\s*\{([\s\S]*)\}$/.exec(s);
    if (!wrapped || wrapped[1]!.includes('}')) break;
    s = wrapped[1]!.trim();
  }
  s = s.replace(/\s+/g, ' ');
  return caseSensitive ? s : s.toLowerCase();
}
