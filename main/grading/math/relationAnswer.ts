import { parseExactNumber, toNumber } from './exactNumber';
import { isLabel } from './labels';

/**
 * Inequalities in one unknown read as the set they describe, so that "x \le 2", "x <= 2" and
 * "2 \geq x" agree, and "-2 \le x \le 7" equals "[-2, 7]": "x > 5" is (5, ∞), "x \ne 3" is
 * (−∞, 3) ∪ (3, ∞), "-x > -1" is x < 1, "1 \le |z| \le 3/2" is [−3/2, −1] ∪ [1, 3/2]. The bounds must
 * be numbers (integers, decimals, fractions, ±∞) and the unknown a name, its negative or its absolute
 * value; anything else is not converted and is compared as written.
 */
export interface RelationSet {
  /** The unknown as written ("x", "f(x)", "|z|" is recorded as "z"). */
  variable: string;
  /** The set in interval notation, e.g. "(-\infty,3)\cup(3,\infty)". */
  intervals: string;
}

type Op = '<' | '\\leq' | '>' | '\\geq' | '\\ne';
const OPS = /\\leq|\\geq|\\ne|<|>/y;
const FLIP: Record<Op, Op> = { '<': '>', '>': '<', '\\leq': '\\geq', '\\geq': '\\leq', '\\ne': '\\ne' };

interface Bound {
  text: string;
  value: number;
}

/** Splits at relation operators outside brackets; null when there is none. */
function splitRelation(text: string): { parts: string[]; ops: Op[] } | null {
  const parts: string[] = [];
  const ops: Op[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (depth !== 0) continue;
    OPS.lastIndex = i;
    const match = OPS.exec(text);
    const isCommand = match?.[0].startsWith('\\') ?? false;
    if (match && match.index === i && !(isCommand && /[a-zA-Z]/.test(text[i + match[0].length] ?? ''))) {
      parts.push(text.slice(start, i).trim());
      ops.push(match[0] as Op);
      i += match[0].length - 1;
      start = i + 1;
    }
  }
  if (ops.length === 0) return null;
  parts.push(text.slice(start).trim());
  return parts.every((part) => part.length > 0) ? { parts, ops } : null;
}

function bound(text: string): Bound | null {
  const t = text.replace(/^\+/, '');
  if (t === '\\infty' || t === '+\\infty') return { text: '\\infty', value: Infinity };
  if (t === '-\\infty') return { text: '-\\infty', value: -Infinity };
  const exact = parseExactNumber(t);
  return exact ? { text: t, value: toNumber(exact) } : null;
}

function negated(b: Bound): Bound {
  const text = b.text.startsWith('-') ? b.text.slice(1) : `-${b.text}`;
  return { text, value: -b.value };
}

type Unknown = { name: string; sign: 1 | -1; absolute: boolean };

function unknown(text: string): Unknown | null {
  const abs = /^\|(.+)\|$/.exec(text);
  if (abs && isLabel(abs[1]!)) return { name: abs[1]!, sign: 1, absolute: true };
  if (text.startsWith('-') && isLabel(text.slice(1))) return { name: text.slice(1), sign: -1, absolute: false };
  return isLabel(text) ? { name: text, sign: 1, absolute: false } : null;
}

interface Interval {
  low: Bound;
  high: Bound;
  lowClosed: boolean;
  highClosed: boolean;
}

const MINUS_INFINITY: Bound = { text: '-\\infty', value: -Infinity };
const INFINITY: Bound = { text: '\\infty', value: Infinity };

function formatIntervals(intervals: Interval[]): string {
  return intervals
    .map(
      (iv) =>
        `${iv.lowClosed && iv.low.value !== -Infinity ? '[' : '('}${iv.low.text},${iv.high.text}${iv.highClosed && iv.high.value !== Infinity ? ']' : ')'}`,
    )
    .join('\\cup');
}

/** The interval(s) of `u op b` for a plain unknown u. */
function single(op: Op, b: Bound): Interval[] {
  switch (op) {
    case '<':
      return [{ low: MINUS_INFINITY, high: b, lowClosed: false, highClosed: false }];
    case '\\leq':
      return [{ low: MINUS_INFINITY, high: b, lowClosed: false, highClosed: true }];
    case '>':
      return [{ low: b, high: INFINITY, lowClosed: false, highClosed: false }];
    case '\\geq':
      return [{ low: b, high: INFINITY, lowClosed: true, highClosed: false }];
    case '\\ne':
      return [
        { low: MINUS_INFINITY, high: b, lowClosed: false, highClosed: false },
        { low: b, high: INFINITY, lowClosed: false, highClosed: false },
      ];
  }
}

/** The set of |u| ∈ iv, as a union of intervals of u. */
function absolute(iv: Interval): Interval[] | null {
  if (iv.low.value < 0) {
    if (iv.low.value !== -Infinity) return null;
    return [{ low: negated(iv.high), high: iv.high, lowClosed: iv.highClosed, highClosed: iv.highClosed }];
  }
  if (iv.low.value === 0 && iv.lowClosed)
    return [{ low: negated(iv.high), high: iv.high, lowClosed: iv.highClosed, highClosed: iv.highClosed }];
  return [
    { low: negated(iv.high), high: negated(iv.low), lowClosed: iv.highClosed, highClosed: iv.lowClosed },
    { low: iv.low, high: iv.high, lowClosed: iv.lowClosed, highClosed: iv.highClosed },
  ];
}

export function relationSet(text: string): RelationSet | null {
  const relation = splitRelation(text);
  if (!relation) return null;
  const { parts, ops } = relation;
  let u: Unknown | null;
  let intervals: Interval[];
  if (parts.length === 2) {
    const [left, right] = parts as [string, string];
    let op = ops[0]!;
    let b = bound(right);
    u = b ? unknown(left) : null;
    if (!u) {
      b = bound(left);
      u = b ? unknown(right) : null;
      op = FLIP[op];
    }
    if (!u || !b) return null;
    if (u.sign === -1) {
      op = FLIP[op];
      b = negated(b);
    }
    intervals = single(op, b);
  } else if (parts.length === 3) {
    const middle = parts[1]!;
    let [lowText, highText] = [parts[0]!, parts[2]!];
    let [op1, op2] = ops as [Op, Op];
    if ((op1 === '>' || op1 === '\\geq') && (op2 === '>' || op2 === '\\geq')) {
      [lowText, highText, op1, op2] = [highText, lowText, FLIP[op2], FLIP[op1]];
    }
    if (!(op1 === '<' || op1 === '\\leq') || !(op2 === '<' || op2 === '\\leq')) return null;
    let low = bound(lowText);
    let high = bound(highText);
    u = unknown(middle);
    if (!u || !low || !high || low.value > high.value) return null;
    let lowClosed = op1 === '\\leq';
    let highClosed = op2 === '\\leq';
    if (u.sign === -1) [low, high, lowClosed, highClosed] = [negated(high), negated(low), highClosed, lowClosed];
    intervals = [{ low, high, lowClosed, highClosed }];
  } else {
    return null;
  }
  if (u.absolute) {
    const unions = intervals.map(absolute);
    if (unions.some((x) => x === null)) return null;
    intervals = unions.flat() as Interval[];
  }
  return { variable: u.name, intervals: formatIntervals(intervals) };
}
