import { describe, expect, it } from 'vitest';
import { mathGraderSettings } from '../../../common/grading/graderSettings';
import { gradeMath, goldAnswer } from '../../../main/grading/math/gradeMath';
import { describeTables } from './mathTables';

/** The settings `z1wb grade --grader math` uses when given none. */
const defaults = mathGraderSettings.parse({ grader: 'math' });

/**
 * Our own tables of how reasoning models write answers (issue 12, section 1): [gold, response,
 * correct]. Every rule has wrong-answer twins: responses that look close and must stay wrong.
 */
const TABLES: Record<string, Array<[string, string, boolean]>> = {
  'closing sentences': [
    ['(-6, 10)', 'So x lies in (-6, 10).\nFinal Answer: The final answer is $(-6, 10)$. I hope it is correct.', true],
    ['(-6, 10)', 'Final Answer: The final answer is $(-6, 11)$. I hope it is correct.', false],
    ['34', 'Final Answer: The largest $n$ is 34.', true],
    ['34', 'Final Answer: The largest $n$ is 43.', false],
    ['9', 'Answer \\[ 9 \\]', true],
    ['9', 'Answer \\[ 6 \\]', false],
    ['10', 'Answer \\( (9+1) \\)', true],
    ['10', 'Answer \\( (9+2) \\)', false],
    ['\\frac{2}{3}', 'Checking once more, the answer is: \\[ \\boxed{\\frac{2}{3}} \\]', true],
    ['\\frac{2}{3}', 'Checking once more, the answer is: \\[ \\boxed{\\frac{3}{2}} \\]', false],
    ['7', 'Final Answer: Ana walked 7 miles in total.', true],
    ['7', 'Final Answer: Ana walked 17 miles in total.', false],
    ['12', 'Final Answer: There are 12 distinct sequences.', true],
    ['12', 'Final Answer: There are 21 distinct sequences.', false],
    [
      '10455',
      'The first term is $\\boxed{255}$, so the total is $10,200 + 255$. Final Answer: The final answer is $10,455$. I hope it is correct.',
      true,
    ],
    [
      '255',
      'The first term is $\\boxed{255}$, so the total is $10,200 + 255$. Final Answer: The final answer is $10,455$. I hope it is correct.',
      false,
    ],
  ],
  'several boxes': [
    ['k = 45, n = 2', 'Hence $\\boxed{k = 45}$ \\quad \\text{and} \\quad $\\boxed{n = 2}$.', true],
    ['k = 45, n = 2', 'Hence $\\boxed{k = 45}$ \\quad \\text{and} \\quad $\\boxed{n = 3}$.', false],
    ['1, 2, 3', '\\boxed{1}, \\boxed{2} and \\boxed{3}', true],
    ['1, 2, 3', '\\boxed{3}, \\boxed{1} and \\boxed{2}', true],
    ['1, 2, 3', '\\boxed{1}, \\boxed{2} and \\boxed{4}', false],
    ['1, 2, 3', '\\boxed{1} and \\boxed{2}', false],
    ['2', '\\boxed{1} no wait, that cannot be right, it must be \\boxed{2}', true],
    ['1, 2', '\\boxed{1} no wait, that cannot be right, it must be \\boxed{2}', false],
    ['(3, 3), (1, 1)', '\\boxed{(3, 3)} for part (a) and \\boxed{(1, 1)}', true],
    ['(3, 3), (1, 1)', '\\boxed{(3, 3)} for part (a) and \\boxed{(1, 2)}', false],
    ['5', 'two guesses: \\boxed{5} or \\boxed{6}', false],
    ['\\frac{5}{2}', 'that is $\\boxed{2\\frac{1}{2}}$, or $\\boxed{\\frac{5}{2}}$ cups', true],
    ['\\frac{5}{2}', 'that is $\\boxed{2\\frac{1}{2}}$, or $\\boxed{\\frac{7}{2}}$ cups', false],
  ],
  'golds that are worked solutions': [
    ['Adding, $2 + 3 = \\boxed{5}$.', 'So \\boxed{5}', true],
    ['Adding, $2 + 3 = \\boxed{5}$.', 'So \\boxed{6}', false],
    ['x \\in \\boxed{\\{-1\\} \\cup [0,7)}.', '\\boxed{\\{-1\\} \\cup [0,7)}', true],
    ['x \\in \\boxed{\\{-1\\} \\cup [0,7)}.', '\\boxed{\\{-1\\} \\cup [0,7]}', false],
    [
      'Each of the two tanks holds the same amount, so after pouring half of it the level is $4$ cm lower. Final Answer: The final answer is $4$. I hope it is correct.',
      '\\boxed{4}',
      true,
    ],
    [
      'Each of the two tanks holds the same amount, so after pouring half of it the level is $4$ cm lower. Final Answer: The final answer is $4$. I hope it is correct.',
      '\\boxed{8}',
      false,
    ],
  ],
  'labelled values': [
    ['AB = 4, CD = 5', '\\boxed{4, 5}', true],
    ['AB = 4, CD = 5', '\\boxed{4, 6}', false],
    ['V_1 : V_2 = 11 : 21', '\\boxed{11:21}', true],
    ['V_1 : V_2 = 11 : 21', '\\boxed{21:11}', false],
    ['|AB| = 1', '\\boxed{1}', true],
    ['|AB| = 1', '\\boxed{-1}', false],
    ['(p, q) = (3, 2)', '\\boxed{(3, 2)}', true],
    ['(p, q) = (3, 2)', '\\boxed{(2, 3)}', false],
    ['\\frac{AM}{MB} = \\frac{2}{5}', '\\boxed{\\frac{2}{5}}', true],
    ['\\frac{AM}{MB} = \\frac{2}{5}', '\\boxed{\\frac{5}{2}}', false],
    ['p=5,q=2;p=7,q=2', '\\boxed{(7,2),(5,2)}', true],
    ['p=5,q=2;p=7,q=2', '\\boxed{(2,7),(5,2)}', false],
    // Arithmetic on the left is an equation, not a label.
    ['7 = 11a + c', '\\boxed{11a + c}', false],
    ['2x + z = 1', '\\boxed{1}', false],
  ],
  chains: [
    ['11', '\\boxed{x = 5 + 5 + 1 = 11}', true],
    ['11', '\\boxed{x = 5 + 5 + 1 = 12}', false],
    ['x = 11', '\\boxed{x = 5 + 5 + 1 = 11}', true],
    ['\\frac{1}{3}', '\\boxed{x = 1/3 \\approx 0.33}', true],
    ['0.33', '\\boxed{x = 1/3 \\approx 0.33}', true],
    ['\\frac{1}{3}', '\\boxed{x = 1/4 \\approx 0.33}', false],
    ['11', '\\boxed{x \\approx 11}', true],
    ['11', '\\boxed{x \\approx 12}', false],
    ['7.78', 'so she pays $\\boxed{\\frac{70}{9} \\approx 7.78}$ dollars', true],
    ['7.79', 'so she pays $\\boxed{\\frac{70}{9} \\approx 7.78}$ dollars', false],
    ['\\frac{10}{9}', '\\boxed{\\frac{1}{2} + \\frac{11}{18} = \\frac{10}{9}}', true],
    ['\\frac{10}{9}', '\\boxed{\\frac{1}{2} + \\frac{11}{18} = \\frac{10}{8}}', false],
  ],
  'relations and intervals': [
    ['x \\le 2', '\\boxed{x <= 2}', true],
    ['x \\le 2', '\\boxed{x < 2}', false],
    ['x \\le 2', '\\boxed{2 \\geq x}', true],
    ['x \\le 2', '\\boxed{2 \\leq x}', false],
    ['x \\neq 3', '\\boxed{x != 3}', true],
    ['x \\neq 3', '\\boxed{x != -3}', false],
    ['-2 \\le x \\le 7', '\\boxed{x \\in [-2, 7]}', true],
    ['x \\in [-2, 7]', '\\boxed{-2 \\le x \\le 7}', true],
    ['-2 \\le x \\le 7', '\\boxed{x \\in (-2, 7]}', false],
    ['-2 \\le x \\le 7', '\\boxed{[-2, 7]}', true],
    ['1 \\le |z| \\le 3/2', '\\boxed{[-3/2, -1] \\cup [1, 3/2]}', true],
    ['1 \\le |z| \\le 3/2', '\\boxed{[-3/2, -1) \\cup [1, 3/2]}', false],
    ['1 \\le |z| \\le 3/2', '\\boxed{[1, 3/2]}', false],
    ['x > 5', '\\boxed{(5, \\infty)}', true],
    ['x > 5', '\\boxed{[5, \\infty)}', false],
    ['x < 1', '\\boxed{-x > -1}', true],
    ['x < 1', '\\boxed{x > -1}', false],
    ['x > 5', '\\boxed{y > 5}', false],
    ['0 < f(x) < 1', '\\boxed{(0, 1)}', true],
    ['0 < f(x) < 1', '\\boxed{(0, 2)}', false],
    ['(-\\infty, 3) \\cup (3, \\infty)', '\\boxed{x \\ne 3}', true],
    ['(-\\infty, 3) \\cup (3, \\infty)', '\\boxed{x \\ne 2}', false],
    ['f(2) < f(1) < f(4)', '\\boxed{f(2) < f(1) < f(4)}', true],
    ['f(2) < f(1) < f(4)', '\\boxed{f(1) < f(2) < f(4)}', false],
  ],
  'lists and sets': [
    ['-12; -11; -6', '\\boxed{\\{-12, -11, -6\\}}', true],
    ['-12; -11; -6', '\\boxed{\\{-12, -11, 6\\}}', false],
    ['(0; -2; 6)', '\\boxed{(0, -2, 6)}', true],
    ['(0; -2; 6)', '\\boxed{(0, 6, -2)}', false],
    ['(11, 7) or (7, 11)', '\\boxed{(7,11), (11,7)}', true],
    ['(11,7)or(7,11)', '\\boxed{(7,11), (11,7)}', true],
    ['(11, 7) or (7, 11)', '\\boxed{(7,11), (11,8)}', false],
    ['(11, 7) or (7, 11)', '\\boxed{(7,11)}', false],
    ['\\{2, 3, 5\\}', '\\boxed{\\{2, 3, 3, 5\\}}', true],
    ['\\{2, 3, 5\\}', '\\boxed{\\{2, 3, 3, 7\\}}', false],
    // A gold that repeats a value counts it: side lengths 3, 3, 4.
    ['3, 3, 4', '\\boxed{3, 4, 4}', false],
    ['3, 3, 4', '\\boxed{3, 4, 3}', true],
    ['\\{2, 3, 5\\}', 'The primes are $\\{2, 3, 5\\}$... written plainly: $$\\boxed{{2, 3, 5}}$$', true],
    ['\\{2, 3, 5\\}', '\\boxed{{2, 3, 6}}', false],
    ['(1, 3)', '\\boxed{{1, 3}}', true],
    ['(1, 3)', '\\boxed{{3, 1}}', false],
    ['\\pm 4', '\\boxed{{-4, 4}}', true],
    ['\\pm 4', '\\boxed{4}', false],
  ],
  numbers: [
    ['32349', '\\boxed{32,\\!349}', true],
    ['32349', '\\boxed{32,\\! 349}', true],
    ['32349', '\\boxed{32, 349}', false],
    ['14916', 'Final Answer: The final answer is $14 {, }916$. I hope it is correct.', true],
    ['1000', 'The total is $\\boxed{1 000}$.', true],
    ['1000', 'The total is $\\boxed{1\\,000}$.', true],
    ['1000', 'The total is $\\boxed{1 001}$.', false],
    ['10', '\\boxed{(9+1)}', true],
    ['10', '\\boxed{(9+2)}', false],
    ['28\\%', '\\boxed{28 pct}', true],
    ['28\\%', '\\boxed{28 percentage}', true],
    ['28\\%', '\\boxed{29 pct}', false],
    [
      '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}',
      '\\boxed{\\left[\\begin{array}{cc}1 & 2 \\\\ 3 & 4\\end{array}\\right]}',
      true,
    ],
    [
      '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}',
      '\\boxed{\\left[\\begin{array}{cc}1 & 2 \\\\ 4 & 3\\end{array}\\right]}',
      false,
    ],
    // The rounding rule needs two decimal places: 0.3 does not accept 1/3.
    ['0.3', '\\boxed{\\frac{1}{3}}', false],
    ['0.33', '\\boxed{\\frac{1}{3}}', true],
    ['0.34', '\\boxed{\\frac{1}{3}}', false],
    // A decimal comma is not read: "1,22" is the list 1, 22 (MATH's separator).
    ['1.22', '\\boxed{1,22}', false],
  ],
  'last mathematics when nothing is announced': [
    ['x \\geq 5', 'Therefore $x \\geq 5$ is the solution.', true],
    ['x \\geq 5', 'Therefore $x \\leq 5$ is the solution.', false],
    ['\\frac{2}{3}', 'Solving, P(A) = (1/2) / (3/4) = 2/3. So Alice wins with probability 2/3.', true],
    ['\\frac{2}{3}', 'Solving, P(A) = (1/2) / (3/4) = 2/3. So Alice wins with probability 3/4.', false],
    ['\\frac{10}{9}', '\\frac{10}{9}', true],
    ['\\frac{10}{9}', '\\frac{10}{7}', false],
  ],
};

describe('math grading of real outputs (default settings)', () => {
  describeTables(
    TABLES,
    ([gold, response, correct]) =>
      `${JSON.stringify(gold)} vs ${JSON.stringify(response)} → ${correct ? 'correct' : 'wrong'}`,
    ([gold, response, correct]) =>
      expect(gradeMath(defaults, gold, response).outcome).toBe(correct ? 'correct' : 'wrong'),
  );

  it('records which rule found the answer', () => {
    expect(gradeMath(defaults, '2', 'So it is $2$.')).toMatchObject({
      outcome: 'correct',
      method: 'last-math',
      extracted: '2',
    });
    expect(gradeMath(defaults, '1, 2', '\\boxed{1} and \\boxed{2}')).toMatchObject({
      method: 'boxed',
      extracted: '1, 2',
      span: [7, 22],
    });
    expect(gradeMath(defaults, '2', 'I give up.')).toMatchObject({ outcome: 'unparsed', method: null });
  });

  it('without fallbacks, only announced answers count', () => {
    const strict = mathGraderSettings.parse({ grader: 'math', fallbacks: [] });
    expect(gradeMath(strict, '2', 'So it is $2$.').outcome).toBe('unparsed');
    expect(gradeMath(strict, '2', 'So it is $\\boxed{2}$.').outcome).toBe('correct');
  });

  it('reads the answer out of a gold that is a worked solution', () => {
    expect(goldAnswer('We add: $2 + 3 = \\boxed{5}$.')).toBe('5');
    expect(goldAnswer('\\boxed{1} cat and \\boxed{2} dogs')).toBe('1, 2');
    expect(goldAnswer('\\text{Evelyn}')).toBe('\\text{Evelyn}');
    expect(goldAnswer('AB = 4, CD = 5')).toBe('AB = 4, CD = 5');
  });
});
