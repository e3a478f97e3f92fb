import { describe, expect, it } from 'vitest';
import { mathAnswerKey, mathAnswersEqual } from '../../../main/grading/math/mathEqual';
import { describeTables } from './mathTables';

const options = { relativeTolerance: 1e-4 };

/**
 * Conformance tables written from the MATH grading conventions (Hendrycks et al. 2021 and the
 * Qwen2.5-Math / LIMO `math_equal` that Z1 reports with): [gold, answer, equivalent].
 */
const TABLES: Record<string, Array<[string, string, boolean]>> = {
  'fractions and decimals': [
    ['\\frac14', '0.25', true],
    ['\\frac{1}{4}', '.25', true],
    ['\\dfrac{3}{4}', '0.75', true],
    ['\\tfrac{3}{4}', '3/4', true],
    ['\\cfrac{1}{2}', '\\frac12', true],
    ['0.5', '\\frac{2}{4}', true],
    ['-\\frac{1}{2}', '\\frac{-1}{2}', true],
    ['\\frac{1}{3}', '0.33333', true],
    ['\\frac{1}{3}', '0.333', false],
    ['\\frac{1}{3}', '0.33', false],
    ['\\frac{1}{2}', '\\frac{1}{3}', false],
  ],
  'square roots': [
    ['\\frac{\\sqrt2}{2}', '\\frac{1}{\\sqrt{2}}', true],
    ['\\frac{\\sqrt{2}}{2}', '0.7071', true],
    ['\\frac{\\sqrt{2}}{2}', '0.707', false],
    ['2\\sqrt{2}', '\\sqrt{8}', true],
    ['\\sqrt{12}', '2\\sqrt3', true],
    ['\\frac{\\sqrt{3}}{3}', '\\frac{1}{\\sqrt3}', true],
    ['\\sqrt{2}', '\\sqrt{3}', false],
    ['\\sqrt{2}', '1.41', false],
    ['2\\sqrt{2}', '2.83', false],
  ],
  'mixed numbers': [
    ['2\\frac{1}{2}', '\\frac{5}{2}', true],
    ['2\\frac{1}{2}', '2.5', true],
    ['-1\\frac{1}{3}', '-\\frac{4}{3}', true],
    ['3 \\frac{1}{4}', '3.25', true],
    ['\\frac{7}{2}', '3\\frac12', true],
    // A mixed number, not the product 2 · 1/2.
    ['2\\frac{1}{2}', '1', false],
  ],
  'degrees, units, money': [
    ['30^\\circ', '30', true],
    ['30^{\\circ}', '30°', true],
    ['45', '45^\\circ', true],
    ['5\\text{ cm}', '5', true],
    ['12\\text{ square units}', '12', true],
    ['6 \\mbox{ inches}', '6', true],
    ['10\\text{ cm}^2', '10', true],
    ['7', '7 dollars', true],
    ['\\$18.90', '18.9', true],
    ['90^\\circ', '\\frac{\\pi}{2}', false],
    ['5\\text{ cm}', '6', false],
  ],
  percent: [
    ['50\\%', '50', true],
    ['50\\%', '0.5', true],
    ['12.5\\%', '\\frac{1}{8}', true],
    ['20', '20 percent', true],
    ['50\\%', '5', false],
    ['50', '0.5', false],
  ],
  'thousands separators': [
    ['1,000', '1000', true],
    ['1{,}234{,}567', '1234567', true],
    ['1\\,000', '1000', true],
    ['10,000', '10000', true],
    ['1,000', '1001', false],
  ],
  intervals: [
    ['(0,1]', '(0, 1]', true],
    ['(0,1]', '[0,1]', false],
    ['[2,5)', '\\left[2, 5\\right)', true],
    ['(-\\infty, 3)', '(-\\infty,3)', true],
    ['(-\\infty,0)\\cup(1,\\infty)', '(1,\\infty)\\cup(-\\infty,0)', true],
    ['(-\\infty,0)\\cup(1,\\infty)', '(-\\infty,0)\\cup[1,\\infty)', false],
    ['x \\in [1,2]', '[1,2]', true],
    ['[1,2]', '[1,3]', false],
  ],
  tuples: [
    ['(1,2)', '(1, 2)', true],
    ['(1,2)', '(2,1)', false],
    ['(1,2,3)', '(1,2)', false],
    ['(\\frac12, 3)', '(0.5, 3)', true],
    ['(3,4)', '3, 4', true],
    ['(3,4)', '4, 3', false],
  ],
  sets: [
    ['\\{1,2,3\\}', '\\{3,2,1\\}', true],
    ['\\{1,2\\}', '\\{1,3\\}', false],
    ['1, 2', '2, 1', true],
    ['1, 2', '1, 2, 3', false],
    ['-2, 3', 'x=3, x=-2', true],
    ['1 \\pm \\sqrt{2}', '1+\\sqrt2, 1-\\sqrt2', true],
    ['\\emptyset', '\\{\\}', true],
    ['2 and 3', '3, 2', true],
  ],
  matrices: [
    ['\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', true],
    ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}', true],
    ['\\begin{pmatrix}\\frac12\\\\-1\\end{pmatrix}', '\\begin{pmatrix}0.5\\\\-1\\end{pmatrix}', true],
    ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{pmatrix}1&3\\\\2&4\\end{pmatrix}', false],
    ['\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{pmatrix}1&2\\end{pmatrix}', false],
  ],
  equations: [
    ['y=2x+3', 'y = 3 + 2x', true],
    ['y=2x+3', '2x-y+3=0', true],
    ['y=2x+3', 'y=2x-3', false],
    ['x=5', '5', true],
    ['5', 'x = 5', true],
    ['x^2+y^2=1', 'y^2+x^2=1', true],
    ['f(x)=x^2', 'x^2', true],
  ],
  expressions: [
    ['x^2+2x+1', '(x+1)^2', true],
    ['2x+3', '3+2x', true],
    ['2x+3', '2x+4', false],
    ['\\sin^2 x+\\cos^2 x', '1', true],
    ['2x', '2y', false],
    ['\\frac{x+1}{2}', '\\frac{x}{2}+\\frac12', true],
    ['\\pi', '3.14', false],
    ['\\pi', '3.1416', true],
    ['2\\pi', '\\pi \\cdot 2', true],
    ['e^{i\\pi}', '-1', true],
    ['10!', '3628800', true],
    ['\\binom{5}{2}', '10', true],
  ],
  'text answers': [
    ['\\text{Monday}', 'Monday', true],
    ['\\text{Monday}', '\\textbf{monday}', true],
    ['\\text{(C)}', 'C', true],
    ['\\text{Evelyn}', 'Evelyn.', true],
    ['\\text{even}', '\\text{odd}', false],
  ],
  'close but wrong': [
    ['100000', '100001', false],
    ['2^{100}', '2^{100}+1', false],
    ['0', '0.0001', false],
    ['-5', '5', false],
    ['12', '12.01', false],
    ['1/2', '2', false],
    ['\\frac{3}{5}', '\\frac{5}{3}', false],
  ],
  'junk never throws': [
    ['5', '\\frac{', false],
    ['5', '}}}{{{', false],
    ['5', '\\begin{pmatrix}1&', false],
    ['5', '\\sqrt', false],
    ['5', '((((((((((', false],
    ['\\text{}', '5', false],
  ],
};

describe('math equivalence', () => {
  describeTables(
    TABLES,
    ([gold, answer, expected]) =>
      `${JSON.stringify(gold)} vs ${JSON.stringify(answer)} → ${expected ? 'equal' : 'different'}`,
    ([gold, answer, expected]) => expect(mathAnswersEqual(gold, answer, options).equal).toBe(expected),
  );

  it('says how it decided', () => {
    expect(mathAnswersEqual('\\frac14', '0.25', options).how).toBe('equal numbers');
    expect(mathAnswersEqual('(0,1]', '[0,1]', options).how).toBe('brackets differ: (…] vs […]');
    expect(mathAnswersEqual('100000', '100001', options).how).toBe('different numbers: 100000 vs 100001');
    expect(mathAnswersEqual('2x+3', '2x+4', options).how).toBe('differ at x=0.5377: 4.0754 vs 5.0754');
  });

  it('a wider tolerance accepts coarser decimals, never inexact integers', () => {
    expect(mathAnswersEqual('\\pi', '3.14', { relativeTolerance: 1e-3 }).equal).toBe(true);
    expect(mathAnswersEqual('1000', '1001', { relativeTolerance: 1e-2 }).equal).toBe(false);
  });

  it('gives equal answers one maj@k key', () => {
    expect(mathAnswerKey('0.5')).toBe('1/2');
    expect(mathAnswerKey('\\frac{2}{4}')).toBe('1/2');
    expect(mathAnswerKey('1,000')).toBe('1000');
    expect(mathAnswerKey('\\frac{\\sqrt2}{2}')).toBe(mathAnswerKey('\\frac{1}{\\sqrt{2}}'));
    expect(mathAnswerKey('(1, 2)')).toBe('(1,2)');
    // Unordered answers vote together whatever their order; tuples keep theirs.
    expect(mathAnswerKey('2, 1')).toBe('1,2');
    expect(mathAnswerKey('\\{3, 1, 2\\}')).toBe('\\{1,2,3\\}');
    expect(mathAnswerKey('(2, 1)')).toBe('(2,1)');
    expect(mathAnswerKey('x > 5')).toBe(mathAnswerKey('5 < x'));
  });
});
