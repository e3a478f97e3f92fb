/**
 * Plain numbers read exactly (BigInt rationals), so that integers of any size compare exactly:
 * a relative tolerance would make 100000 equal 100001, a known flaw of `isclose`-based graders.
 */
export interface ExactNumber {
  num: bigint;
  /** Always positive. */
  den: bigint;
  /** Written with decimal places (0.7071): an approximation, compared within a tolerance. */
  approximate: boolean;
}

const INTEGER = /^([+-]?)(\d+)$/;
const DECIMAL = /^([+-]?)(\d*)\.(\d+)$/;
const SLASH_FRACTION = /^([+-]?)(\d+)\/(\d+)$/;
const LATEX_FRACTION = /^([+-]?)\\frac\{([+-]?)(\d+)\}\{([+-]?)(\d+)\}$/;
const MIXED_LATEX = /^([+-]?)(\d+)\\frac\{(\d+)\}\{(\d+)\}$/;
const MIXED_PLAIN = /^([+-]?)(\d+) (\d+)\/(\d+)$/;

const MAX_DIGITS = 400;

export function parseExactNumber(text: string): ExactNumber | null {
  if (text.length > MAX_DIGITS) return null;
  let m = INTEGER.exec(text);
  if (m) return make(m[1] === '-', BigInt(m[2]!), 1n, false);
  m = DECIMAL.exec(text);
  if (m) {
    const digits = m[3]!;
    return make(m[1] === '-', BigInt((m[2] || '0') + digits), 10n ** BigInt(digits.length), true);
  }
  m = SLASH_FRACTION.exec(text);
  if (m) return make(m[1] === '-', BigInt(m[2]!), BigInt(m[3]!), false);
  m = LATEX_FRACTION.exec(text);
  if (m) return make(((m[1] === '-') !== (m[2] === '-')) !== (m[4] === '-'), BigInt(m[3]!), BigInt(m[5]!), false);
  // 2\frac{1}{2} is a mixed number (MATH convention) only when the fraction is proper.
  m = MIXED_LATEX.exec(text) ?? MIXED_PLAIN.exec(text);
  if (m) {
    const whole = BigInt(m[2]!);
    const num = BigInt(m[3]!);
    const den = BigInt(m[4]!);
    if (den === 0n || num >= den) return null;
    return make(m[1] === '-', whole * den + num, den, false);
  }
  return null;
}

function make(negative: boolean, num: bigint, den: bigint, approximate: boolean): ExactNumber | null {
  if (den === 0n) return null;
  return { num: negative ? -num : num, den, approximate };
}

export function toNumber(x: ExactNumber): number {
  return Number(x.num) / Number(x.den);
}

export function exactEquals(a: ExactNumber, b: ExactNumber): boolean {
  return a.num * b.den === b.num * a.den;
}

export function scale(x: ExactNumber, factor: bigint, divisor: bigint): ExactNumber {
  return { num: x.num * factor, den: x.den * divisor, approximate: x.approximate };
}

/** The reduced p/q spelling: the answer key that 0.5, 1/2 and \frac{2}{4} share. */
export function exactKey(x: ExactNumber): string {
  const g = gcd(x.num < 0n ? -x.num : x.num, x.den);
  const num = g === 0n ? x.num : x.num / g;
  const den = g === 0n ? x.den : x.den / g;
  return den === 1n ? num.toString() : `${num}/${den}`;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
