import type { NumericGraderSettings } from '../../../common/grading/graderSettings';
import { extractAnswer } from '../extraction/extractAnswer';
import { errorResult, unparsedResult, type GradeResult } from '../gradeResult';
import { freeVariables, numericValue, parseLatex, startComparison } from '../math/computeEngine';
import { parseExactNumber, toNumber } from '../math/exactNumber';
import { normalizeMathAnswer } from '../math/normalizeMath';

/** The real number a text spells (1,234.5 / -3/4 / \frac{3}{4} / 2\sqrt{2} / 12%), with its percent flag. */
export function readNumber(text: string): { value: number; percent: boolean } | null {
  startComparison();
  const normalized = normalizeMathAnswer(text);
  const exact = parseExactNumber(normalized.text);
  if (exact) return { value: toNumber(exact), percent: normalized.percent };
  const expr = parseLatex(normalized.text);
  if (!expr || freeVariables(expr).length > 0) return null;
  const value = numericValue(expr);
  if (!value || value.im !== 0 || Number.isNaN(value.re)) return null;
  return { value: value.re, percent: normalized.percent };
}

export function gradeNumeric(settings: NumericGraderSettings, gold: string, response: string): GradeResult {
  const expected = readNumber(gold);
  if (!expected) return errorResult(`gold "${gold}" is not a number`);
  const found = extractAnswer(response, settings.fallbacks);
  if (!found) return unparsedResult('no answer found in the response');
  const answer = readNumber(found.text);
  if (!answer) return { ...unparsedResult(`the ${found.method} answer "${found.text}" is not a number`), extracted: found.text, method: found.method, span: found.span };
  // 12% may mean 12 or 0.12: either reading of a percent is accepted, as in the math grader.
  const goldValues = expected.percent ? [expected.value, expected.value / 100] : [expected.value];
  const answerValues = answer.percent ? [answer.value, answer.value / 100] : [answer.value];
  let best = Infinity;
  let equal = false;
  for (const g of goldValues) {
    for (const a of answerValues) {
      const difference = Math.abs(a - g);
      best = Math.min(best, difference);
      if (difference <= settings.tolerance || difference <= settings.relativeTolerance * Math.abs(g) || a === g) equal = true;
    }
  }
  return {
    outcome: equal ? 'correct' : 'wrong',
    correct: equal,
    extracted: found.text,
    method: found.method,
    span: found.span,
    reason: equal ? `within tolerance (|difference| = ${best})` : `|${answer.value} − ${expected.value}| = ${best} exceeds the tolerance`,
    answerKey: String(answer.value),
  };
}
