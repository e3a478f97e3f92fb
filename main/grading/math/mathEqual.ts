import type { BoxedExpression } from '@cortex-js/compute-engine';
import {
  differenceSimplifiesToZero,
  engineSaysEqual,
  freeVariables,
  negate,
  numericValue,
  parseLatex,
  startComparison,
  subtract,
  valueAt,
  type Complex,
} from './computeEngine';
import { exactEquals, exactKey, parseExactNumber, scale, toNumber, type ExactNumber } from './exactNumber';
import { isLabel } from './labels';
import { formatMathAnswer, parseMathAnswer, type MathAnswer } from './mathAnswer';
import { normalizeMathAnswer } from './normalizeMath';

export interface MathCompareOptions {
  /** Used only when a side is a decimal approximation; exact forms must be exactly equal. */
  relativeTolerance: number;
}

export interface Verdict {
  equal: boolean;
  /** How the verdict was reached, for the grade's `reason`. */
  how: string;
}

/** Relative agreement demanded of two exact forms evaluated in floating point. */
const EXACT_TOLERANCE = 1e-12;
/** Points at which expressions with free variables are compared (fixed: grades are reproducible). */
const PROBES = [0.5377, 1.8339, -2.2588, 0.8622, 0.3188, -1.3077, 2.7694, -0.4336];
const PROBE_COUNT = 5;

/** Normalises, reads the shape of both answers and compares them. */
export function mathAnswersEqual(gold: string, answer: string, options: MathCompareOptions): Verdict {
  startComparison();
  const g = normalizeMathAnswer(gold);
  const a = normalizeMathAnswer(answer);
  if (g.text === a.text) return { equal: true, how: 'equal after normalisation' };
  const context: Context = { options, goldPercent: g.percent, answerPercent: a.percent };
  return compareAnswers(parseMathAnswer(g.text), parseMathAnswer(a.text), context);
}

interface Context {
  options: MathCompareOptions;
  goldPercent: boolean;
  answerPercent: boolean;
}

function compareAnswers(gold: MathAnswer, answer: MathAnswer, context: Context): Verdict {
  if (gold.kind === 'scalar' && answer.kind === 'scalar') return compareScalars(gold.text, answer.text, context);

  // "x = 3" against "3": a variable's name on one side is not part of the answer.
  if (gold.kind === 'equation' && answer.kind !== 'equation') {
    const value = namedValue(gold);
    if (value !== null) return compareAnswers(parseMathAnswer(value), answer, context);
  }
  if (answer.kind === 'equation' && gold.kind !== 'equation') {
    const value = namedValue(answer);
    if (value !== null) return compareAnswers(gold, parseMathAnswer(value), context);
  }
  if (gold.kind === 'equation' && answer.kind === 'equation') return compareEquations(gold, answer, context);

  // Inequalities: the same unknown and the same set; against an interval or union, the same set.
  if (gold.kind === 'relation' && answer.kind === 'relation' && gold.variable !== answer.variable) {
    return { equal: false, how: `different unknowns: ${gold.variable} vs ${answer.variable}` };
  }
  if (gold.kind === 'relation')
    return compareAnswers(gold.set, answer.kind === 'relation' ? answer.set : answer, context);
  if (answer.kind === 'relation') return compareAnswers(gold, answer.set, context);
  if (gold.kind === 'sequence' && answer.kind === 'union' && gold.items.length === 2)
    return compareUnordered([gold], answer.items, context);
  if (gold.kind === 'union' && answer.kind === 'sequence' && answer.items.length === 2)
    return compareUnordered(gold.items, [answer], context);

  if (gold.kind === 'sequence' && answer.kind === 'sequence') {
    if (gold.open !== answer.open || gold.close !== answer.close) {
      return { equal: false, how: `brackets differ: ${gold.open}…${gold.close} vs ${answer.open}…${answer.close}` };
    }
    return compareInOrder(gold.items, answer.items, context);
  }
  // An ordered pair written without its parentheses is still read in order.
  if (gold.kind === 'sequence' && gold.open === '(' && gold.close === ')' && answer.kind === 'list') {
    return compareInOrder(gold.items, answer.items, context);
  }
  if (answer.kind === 'sequence' && answer.open === '(' && answer.close === ')' && gold.kind === 'list') {
    return compareInOrder(gold.items, answer.items, context);
  }
  // A tuple written with braces ("{1,3}" for (1,3)) is read in the order written.
  if (
    (gold.kind === 'sequence' && gold.open === '(' && answer.kind === 'set') ||
    (answer.kind === 'sequence' && answer.open === '(' && gold.kind === 'set')
  ) {
    return compareInOrder((gold as { items: MathAnswer[] }).items, (answer as { items: MathAnswer[] }).items, context);
  }
  const unordered = (kind: MathAnswer['kind']) => kind === 'set' || kind === 'list';
  if (unordered(gold.kind) && unordered(answer.kind)) {
    return compareUnordered(
      (gold as { items: MathAnswer[] }).items,
      (answer as { items: MathAnswer[] }).items,
      context,
    );
  }
  if (gold.kind === 'union' && answer.kind === 'union') return compareUnordered(gold.items, answer.items, context);
  if (gold.kind === 'matrix' && answer.kind === 'matrix') {
    const shape = (m: MathAnswer[][]) => m.map((row) => row.length).join('x');
    if (shape(gold.rows) !== shape(answer.rows)) return { equal: false, how: 'matrix shapes differ' };
    return compareInOrder(gold.rows.flat(), answer.rows.flat(), context);
  }
  // "\boxed{15\frac{39}{40}} or \boxed{\frac{639}{40}}": one value written twice is one answer.
  if (answer.kind === 'list' && gold.kind !== 'list' && allSame(answer.items, context))
    return compareAnswers(gold, answer.items[0]!, context);
  if (gold.kind === 'list' && answer.kind !== 'list' && allSame(gold.items, context))
    return compareAnswers(gold.items[0]!, answer, context);
  return { equal: false, how: `shapes differ: ${gold.kind} vs ${answer.kind}` };
}

function distinct(items: MathAnswer[], context: Context): MathAnswer[] {
  return items.filter((item, i) => items.slice(0, i).every((earlier) => !compareAnswers(earlier, item, context).equal));
}

function allSame(items: MathAnswer[], context: Context): boolean {
  return items.length > 0 && items.every((item) => compareAnswers(items[0]!, item, context).equal);
}

function compareInOrder(gold: MathAnswer[], answer: MathAnswer[], context: Context): Verdict {
  if (gold.length !== answer.length) return { equal: false, how: `${gold.length} parts vs ${answer.length}` };
  for (let i = 0; i < gold.length; i++) {
    const verdict = compareAnswers(gold[i]!, answer[i]!, context);
    if (!verdict.equal) return { equal: false, how: `part ${i + 1} differs (${verdict.how})` };
  }
  return { equal: true, how: `all ${gold.length} parts equal in order` };
}

/**
 * Unordered parts. When the gold lists no value twice it is a set, and an answer that repeats one of
 * its elements still lists that set ({1, 2, 2} = {1, 2}); a gold with a repeated value is a
 * multiset (side lengths 3, 3, 4) and its counts must match.
 */
function compareUnordered(gold: MathAnswer[], answer: MathAnswer[], context: Context): Verdict {
  if (answer.length > gold.length && distinct(gold, context).length === gold.length) answer = distinct(answer, context);
  if (gold.length !== answer.length) return { equal: false, how: `${gold.length} elements vs ${answer.length}` };
  const used = new Array<boolean>(answer.length).fill(false);
  for (const item of gold) {
    const match = answer.findIndex((candidate, j) => !used[j] && compareAnswers(item, candidate, context).equal);
    if (match === -1) return { equal: false, how: `no match for ${formatMathAnswer(item)}` };
    used[match] = true;
  }
  return { equal: true, how: `all ${gold.length} elements matched (any order)` };
}

/** The value side of `x = 3`, `AB = 4`, `(p,q) = (3,2)`, `3 = x`, or null when neither side is a label (see labels.ts). */
function namedValue(equation: { lhs: string; rhs: string }): string | null {
  if (isLabel(equation.lhs)) return equation.rhs;
  if (isLabel(equation.rhs)) return equation.lhs;
  return null;
}

function compareEquations(
  gold: { lhs: string; rhs: string },
  answer: { lhs: string; rhs: string },
  context: Context,
): Verdict {
  if (gold.lhs === answer.lhs) {
    const verdict = compareScalars(gold.rhs, answer.rhs, context);
    if (verdict.equal) return verdict;
  }
  const parts = [gold.lhs, gold.rhs, answer.lhs, answer.rhs].map(parseLatex);
  if (parts.some((p) => p === null)) return { equal: false, how: 'an equation side could not be read' };
  const [gl, gr, al, ar] = parts as BoxedExpression[];
  const g = subtract(gl!, gr!);
  const a = subtract(al!, ar!);
  // The same equation up to a non-zero factor: y = 2x + 3 and 2x − y + 3 = 0.
  const proportional = probeProportional(g, a);
  if (proportional) return { equal: true, how: 'equations equivalent (sides differ by a constant factor)' };
  if (differenceSimplifiesToZero(g, a) || differenceSimplifiesToZero(g, negate(a)))
    return { equal: true, how: 'equations equivalent (simplified)' };
  return { equal: false, how: 'equations not equivalent' };
}

function isTextLike(text: string): boolean {
  return /[a-zA-Z]{3,}/.test(text.replace(/\\[a-zA-Z]+/g, ' '));
}

function textKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/\\[a-zA-Z]+/g, (command) => command.slice(1))
    .replace(/[\s{}\\$]/g, '')
    .replace(/^the/, '')
    .replace(/^\(([a-z])\)$/, '$1');
}

function compareScalars(gold: string, answer: string, context: Context): Verdict {
  if (gold === answer) return { equal: true, how: 'equal after normalisation' };
  if (isTextLike(gold) || isTextLike(answer)) {
    const equal = textKey(gold) === textKey(answer);
    return { equal, how: equal ? 'same text' : 'different text' };
  }

  const approximate = hasDecimal(gold) || hasDecimal(answer);
  const tolerance = approximate ? context.options.relativeTolerance : EXACT_TOLERANCE;
  const goldExact = parseExactNumber(gold);
  const answerExact = parseExactNumber(answer);
  if (goldExact && answerExact) {
    const verdict = compareExact(goldExact, answerExact, context, tolerance);
    if (verdict.equal || !goldExact.approximate || answerExact.approximate) return verdict;
    return roundsToGold(gold, toNumber(answerExact)) ?? verdict;
  }

  const g = parseLatex(gold);
  const a = parseLatex(answer);
  if (!g || !a)
    return {
      equal: false,
      how: `${g ? 'the answer' : 'the gold answer'} is not readable mathematics and the texts differ`,
    };

  const goldVars = freeVariables(g);
  const answerVars = freeVariables(a);
  if (goldVars.length === 0 && answerVars.length === 0) {
    const gv = numericValue(g);
    const av = numericValue(a);
    if (gv && av) {
      const gi = exactInteger(g);
      const ai = exactInteger(a);
      if (gi !== null && ai !== null && !approximate) {
        return gi === ai
          ? { equal: true, how: 'equal integers' }
          : { equal: false, how: `different integers: ${gi} vs ${ai}` };
      }
      for (const gs of percentVariants(gv, context.goldPercent)) {
        for (const as of percentVariants(av, context.answerPercent)) {
          if (close(gs, as, tolerance)) {
            return {
              equal: true,
              how: approximate ? `numerically equal within relative ${tolerance}` : 'equal values',
            };
          }
        }
      }
      if (hasDecimal(gold) && !hasDecimal(answer) && av.im === 0) {
        const rounded = roundsToGold(gold, av.re);
        if (rounded) return rounded;
      }
      return { equal: false, how: `different values: ${show(gv)} vs ${show(av)}` };
    }
    const said = engineSaysEqual(g, a);
    return said === true
      ? { equal: true, how: 'Compute Engine: equal' }
      : { equal: false, how: 'no numeric value to compare' };
  }

  // Compute Engine's own test first; its "false" is not trusted (it says 2x+3 ≠ 3+2x).
  if (engineSaysEqual(g, a) === true) return { equal: true, how: 'Compute Engine: equal' };
  if (differenceSimplifiesToZero(g, a)) return { equal: true, how: 'difference simplifies to 0' };
  // Over the variables of both sides: sin^2 x + cos^2 x equals 1, 2x does not equal 2y.
  return probeEqual(g, a, [...new Set([...goldVars, ...answerVars])].sort(), tolerance);
}

function compareExact(gold: ExactNumber, answer: ExactNumber, context: Context, tolerance: number): Verdict {
  const goldVariants = context.goldPercent ? [gold, scale(gold, 1n, 100n)] : [gold];
  const answerVariants = context.answerPercent ? [answer, scale(answer, 1n, 100n)] : [answer];
  for (const g of goldVariants) {
    for (const a of answerVariants) {
      if (exactEquals(g, a)) return { equal: true, how: 'equal numbers' };
      if (g.approximate || a.approximate) {
        const gv = toNumber(g);
        const av = toNumber(a);
        if (Math.abs(gv - av) <= tolerance * Math.max(Math.abs(gv), Math.abs(av))) {
          return { equal: true, how: `numerically equal within relative ${tolerance}` };
        }
      }
    }
  }
  return { equal: false, how: `different numbers: ${exactKey(gold)} vs ${exactKey(answer)}` };
}

function probeEqual(g: BoxedExpression, a: BoxedExpression, variables: string[], tolerance: number): Verdict {
  let compared = 0;
  for (let p = 0; p < PROBES.length && compared < PROBE_COUNT; p++) {
    const point = probePoint(variables, p);
    const gv = valueAt(g, point);
    const av = valueAt(a, point);
    if (!gv || !av || !finite(gv) || !finite(av)) continue;
    if (!close(gv, av, Math.max(tolerance, 1e-9))) {
      return {
        equal: false,
        how: `differ at ${Object.entries(point)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}: ${show(gv)} vs ${show(av)}`,
      };
    }
    compared++;
  }
  if (compared < 3) return { equal: false, how: 'could not compare: too few points where both have a value' };
  return { equal: true, how: `equal at ${compared} probe points` };
}

function probeProportional(g: BoxedExpression, a: BoxedExpression): boolean {
  const variables = [...new Set([...freeVariables(g), ...freeVariables(a)])].sort();
  if (variables.length === 0) return false;
  let ratio: Complex | null = null;
  let compared = 0;
  for (let p = 0; p < PROBES.length && compared < PROBE_COUNT; p++) {
    const point = probePoint(variables, p);
    const gv = valueAt(g, point);
    const av = valueAt(a, point);
    if (!gv || !av || !finite(gv) || !finite(av)) continue;
    const denominator = av.re * av.re + av.im * av.im;
    if (denominator < 1e-18) {
      if (Math.hypot(gv.re, gv.im) > 1e-9) return false;
      continue;
    }
    const r = { re: (gv.re * av.re + gv.im * av.im) / denominator, im: (gv.im * av.re - gv.re * av.im) / denominator };
    if (Math.hypot(r.re, r.im) < 1e-12) return false;
    if (ratio === null) ratio = r;
    else if (!close(ratio, r, 1e-9)) return false;
    compared++;
  }
  return compared >= 3;
}

function probePoint(variables: string[], p: number): Record<string, number> {
  const point: Record<string, number> = {};
  variables.forEach((name, k) => (point[name] = PROBES[(p + 3 * k) % PROBES.length]!));
  return point;
}

function percentVariants(value: Complex, percent: boolean): Complex[] {
  return percent ? [value, { re: value.re / 100, im: value.im / 100 }] : [value];
}

function close(a: Complex, b: Complex, tolerance: number): boolean {
  if (!finite(a) || !finite(b)) return a.re === b.re && a.im === b.im;
  const difference = Math.hypot(a.re - b.re, a.im - b.im);
  const size = Math.max(Math.hypot(a.re, a.im), Math.hypot(b.re, b.im));
  return difference <= tolerance * size || difference < 1e-300;
}

function finite(x: Complex): boolean {
  return Number.isFinite(x.re) && Number.isFinite(x.im);
}

/**
 * A gold written with d ≥ 2 decimal places ("7.78", a value "to the nearest cent") accepts an exact
 * answer that rounds to it (70/9). One decimal place is too coarse for that: 0.3 does not accept 1/3.
 */
function roundsToGold(gold: string, answer: number): Verdict | null {
  const decimals = /^-?\d*\.(\d+)$/.exec(gold)?.[1]?.length ?? 0;
  if (decimals < 2 || decimals > 12 || !Number.isFinite(answer)) return null;
  const rounded = answer.toFixed(decimals);
  const goldValue = Number(gold);
  return Number(rounded) === goldValue
    ? { equal: true, how: `the exact answer rounds to ${gold} (${decimals} decimal places)` }
    : null;
}

function hasDecimal(text: string): boolean {
  return /\d\.\d|(^|[^\d])\.\d/.test(text);
}

/** The exact integer an expression evaluates to, beyond double precision (2^{100}+1 ≠ 2^{100}). */
function exactInteger(expr: BoxedExpression): bigint | null {
  try {
    const text = expr.N().toString();
    // Within the engine's 60 digits of precision an integer result is exact.
    return /^-?\d{1,55}$/.test(text) ? BigInt(text) : null;
  } catch {
    return null;
  }
}

function show(x: Complex): string {
  const re = Number(x.re.toPrecision(8)).toString();
  if (x.im === 0) return re;
  return `${re}${x.im < 0 ? '-' : '+'}${Number(Math.abs(x.im).toPrecision(8))}i`;
}

/**
 * The key under which an answer votes in maj@k: equal numbers share one (0.5, \frac12, 50\% as a
 * fraction stays 50), other answers their normalised spelling.
 */
export function mathAnswerKey(answer: string): string {
  startComparison();
  const normalized = normalizeMathAnswer(answer).text;
  const exact = parseExactNumber(normalized);
  if (exact) return exactKey(exact);
  const parsed = parseMathAnswer(normalized);
  if (parsed.kind === 'scalar' && !isTextLike(parsed.text)) {
    const expr = parseLatex(parsed.text);
    if (expr && freeVariables(expr).length === 0) {
      const integer = exactInteger(expr);
      if (integer !== null) return integer.toString();
      const value = numericValue(expr);
      if (value && finite(value))
        return `≈${show({ re: Number(value.re.toPrecision(12)), im: Number(value.im.toPrecision(12)) })}`;
    }
  }
  return formatMathAnswer(parsed, true);
}
