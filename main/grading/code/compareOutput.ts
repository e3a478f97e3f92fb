/**
 * Standard-output comparison after LiveCodeBench: surrounding whitespace, trailing spaces, line
 * endings and blank lines at the end do not matter; a line whose tokens differ in spelling only
 * as numbers ("1.0" vs "1", "1e3" vs "1000") still matches.
 */
export function outputsMatch(actual: string, expected: string): boolean {
  const a = lines(actual);
  const e = lines(expected);
  if (a.length !== e.length) return false;
  return a.every((line, i) => line === e[i] || tokensMatch(line, e[i]!));
}

/** The first line that differs, for a failure's reason. */
export function firstDifference(actual: string, expected: string): string {
  const a = lines(actual);
  const e = lines(expected);
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i] && !(a[i] !== undefined && e[i] !== undefined && tokensMatch(a[i]!, e[i]!))) {
      return `line ${i + 1}: expected ${quote(e[i])}, got ${quote(a[i])}`;
    }
  }
  return 'outputs differ';
}

function lines(text: string): string[] {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  return trimmed === '' ? [] : trimmed.split('\n').map((line) => line.trimEnd());
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function tokensMatch(a: string, e: string): boolean {
  const at = a.trim().split(/\s+/);
  const et = e.trim().split(/\s+/);
  return (
    at.length === et.length &&
    at.every(
      (token, i) => token === et[i] || (NUMBER.test(token) && NUMBER.test(et[i]!) && Number(token) === Number(et[i])),
    )
  );
}

function quote(line: string | undefined): string {
  if (line === undefined) return 'nothing';
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}
