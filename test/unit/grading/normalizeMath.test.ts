import { describe, expect, it } from 'vitest';
import { normalizeMathAnswer } from '../../../main/grading/math/normalizeMath';

describe('normalizeMathAnswer', () => {
  const cases: Array<[string, string, boolean]> = [
    ['\\left( \\dfrac{1}{2}, 3 \\right)', '(\\frac{1}{2},3)', false],
    ['\\$1{,}000.', '1000', false],
    ['30^\\circ', '30', false],
    ['50\\%', '50', true],
    ['12 percent', '12', true],
    ['5\\text{ cm}^2', '5', false],
    ['\\text{Monday}', 'Monday', false],
    ['\\boxed{\\frac12}', '\\frac{1}{2}', false],
    ['$x = \\sqrt2$', 'x=\\sqrt{2}', false],
    ['\\!\\!3\\,\\frac{1}{4}', '3\\frac{1}{4}', false],
    ['.5', '0.5', false],
    ['x=2 or x=3', 'x=2,x=3', false],
    ['\\tbinom{6}{3}', '20', false],
    ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '\\begin{pmatrix}1 \\\\ 2 \\end{pmatrix}', false],
    ['−3 × 4', '-3 \\times4', false],
    ['\\varnothing', '\\emptyset', false],
    ['10!', '10!', false],
    ['x \\le 3', 'x \\leq3', false],
    ['32,\\! 349', '32349', false],
    ['14 {, }916', '14916', false],
    ['28 pct', '28', true],
    ['x \\lt 3', 'x<3', false],
    ['(11,7)or(7,11)', '(11,7),(7,11)', false],
    ['6 \\text{ and } 8', '6,8', false],
    ['\\\\left( \\\\frac{1}{5}, 1 \\\\right)', '(\\frac{1}{5},1)', false],
    ['x_{1}=1,\\quadx_{2}=2', 'x_{1}=1,x_{2}=2', false],
    ['V_1 : V_2', 'V_1:V_2', false],
  ];
  for (const [input, text, percent] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(text)}`, () => {
      expect(normalizeMathAnswer(input)).toEqual({ text, percent });
    });
  }

  it('bounds the work on absurdly long input', () => {
    expect(normalizeMathAnswer('1'.repeat(10_000)).text).toBe('1'.repeat(4000));
  });
});
