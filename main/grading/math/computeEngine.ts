import { ComputeEngine, type BoxedExpression } from '@cortex-js/compute-engine';

/**
 * The CAS behind symbolic comparison: Cortex Compute Engine, which parses LaTeX directly. One
 * engine serves many comparisons; it is replaced now and then because it keeps every symbol it
 * has seen, and a batch of thousands of answers would otherwise grow it without end.
 */
const REPLACE_AFTER_USES = 500;
let engine: ComputeEngine | null = null;
let uses = 0;
/** Parsed expressions by LaTeX: a problem's gold answer is compared with every one of its samples. */
const parsed = new Map<string, BoxedExpression | null>();
const PARSED_ENTRIES = 512;

export function computeEngine(): ComputeEngine {
  if (!engine) {
    engine = new ComputeEngine();
    // 60 digits: integers such as 2^{100} evaluate exactly (the default 21 digits rounds them).
    engine.precision = 60;
    uses = 0;
    parsed.clear();
  }
  return engine;
}

/**
 * Called once per comparison, before any expression is made: expressions of two engines must
 * never meet, so the engine is only ever replaced between comparisons.
 */
export function startComparison(): void {
  if (++uses > REPLACE_AFTER_USES) engine = null;
}

/** The expression, or null when Compute Engine cannot read it (it reports errors inside the tree). */
export function parseLatex(latex: string): BoxedExpression | null {
  if (latex.length === 0 || latex.length > 2000) return null;
  const ce = computeEngine();
  const cached = parsed.get(latex);
  if (cached !== undefined) return cached;
  let expr: BoxedExpression | null;
  try {
    const result = ce.parse(latex);
    expr = result.isValid ? result : null;
  } catch {
    expr = null;
  }
  if (parsed.size >= PARSED_ENTRIES) parsed.delete(parsed.keys().next().value!);
  parsed.set(latex, expr);
  return expr;
}

export interface Complex {
  re: number;
  im: number;
}

/** A numeric value when the expression has one (no free variables), else null. */
export function numericValue(expr: BoxedExpression): Complex | null {
  try {
    const n = expr.N();
    const re = n.re;
    const im = n.im;
    if (Number.isNaN(re) || Number.isNaN(im)) return null;
    return { re, im };
  } catch {
    return null;
  }
}

export function freeVariables(expr: BoxedExpression): string[] {
  try {
    return [...expr.freeVariables].sort();
  } catch {
    return [];
  }
}

/** The value of `expr` with its free variables set to the given numbers. */
export function valueAt(expr: BoxedExpression, values: Record<string, number>): Complex | null {
  try {
    const ce = computeEngine();
    const substitution: Record<string, BoxedExpression> = {};
    for (const [name, value] of Object.entries(values)) substitution[name] = ce.number(value);
    return numericValue(expr.subs(substitution));
  } catch {
    return null;
  }
}

/** Compute Engine's own verdict: true, false, or undefined when it cannot decide. */
export function engineSaysEqual(a: BoxedExpression, b: BoxedExpression): boolean | undefined {
  try {
    return a.isEqual(b);
  } catch {
    return undefined;
  }
}

/** Whether simplify(a − b) is literally 0. */
export function differenceSimplifiesToZero(a: BoxedExpression, b: BoxedExpression): boolean {
  try {
    const difference = computeEngine().box(['Subtract', a, b]).simplify();
    return difference.is(0);
  } catch {
    return false;
  }
}

export function negate(expr: BoxedExpression): BoxedExpression {
  return computeEngine().box(['Negate', expr]);
}

export function subtract(a: BoxedExpression, b: BoxedExpression): BoxedExpression {
  return computeEngine().box(['Subtract', a, b]);
}
