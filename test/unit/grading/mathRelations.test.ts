import { describe, expect, it } from 'vitest';
import { isLabel } from '../../../main/grading/math/labels';
import { parseMathAnswer } from '../../../main/grading/math/mathAnswer';
import { relationSet } from '../../../main/grading/math/relationAnswer';

describe('inequalities as sets', () => {
  const cases: Array<[string, { variable: string; intervals: string } | null]> = [
    ['x\\leq2', { variable: 'x', intervals: '(-\\infty,2]' }],
    ['2\\geqx', null],
    ['2\\geq x', { variable: 'x', intervals: '(-\\infty,2]' }],
    ['x>5', { variable: 'x', intervals: '(5,\\infty)' }],
    ['x\\ne3', { variable: 'x', intervals: '(-\\infty,3)\\cup(3,\\infty)' }],
    ['-x>-1', { variable: 'x', intervals: '(-\\infty,1)' }],
    ['-2\\leq x<7', { variable: 'x', intervals: '[-2,7)' }],
    ['7>x\\geq-2', { variable: 'x', intervals: '[-2,7)' }],
    ['1\\leq|z|\\leq\\frac{3}{2}', { variable: 'z', intervals: '[-\\frac{3}{2},-1]\\cup[1,\\frac{3}{2}]' }],
    ['|x|<2', { variable: 'x', intervals: '(-2,2)' }],
    ['|x|>2', { variable: 'x', intervals: '(-\\infty,-2)\\cup(2,\\infty)' }],
    ['0<f(x)<1', { variable: 'f(x)', intervals: '(0,1)' }],
    // Not one unknown against numbers: compared as written.
    ['x+y\\leq3', null],
    ['f(2)<f(1)<f(4)', null],
    ['5<x>3', null],
    ['7<x<3', null],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected ? expected.intervals : 'not converted'}`, () => {
      expect(relationSet(text)).toEqual(expected);
    });
  }
});

describe('labels', () => {
  const labels = [
    'x',
    'f(x)',
    'a_{37}',
    'AB',
    '|AB|',
    'V_1:V_2',
    'S_{MBCN}:S',
    '\\frac{NO}{BO}',
    '\\angle ABC',
    '(p,q)',
    '\\theta',
    "f'(x)",
  ];
  const values = ['11a+c', 'a^2+b', '2x', '3', 'yes', 'Evelyn', '(1,2)', 'x+1', ''];
  for (const text of labels) it(`${JSON.stringify(text)} is a label`, () => expect(isLabel(text)).toBe(true));
  for (const text of values) it(`${JSON.stringify(text)} is not a label`, () => expect(isLabel(text)).toBe(false));
});

describe('answer shapes', () => {
  it('reads a chain as its last side, named by a label', () => {
    expect(parseMathAnswer('x=5+5+1=7=11')).toEqual({ kind: 'equation', lhs: 'x', rhs: '11' });
    expect(parseMathAnswer('1=\\zeta+2=0')).toEqual({ kind: 'scalar', text: '0' });
    expect(parseMathAnswer('5+5+1=11')).toEqual({ kind: 'scalar', text: '11' });
    expect(parseMathAnswer('x=\\frac{1}{3}\\approx0.33')).toEqual({ kind: 'equation', lhs: 'x', rhs: '\\frac{1}{3}' });
    expect(parseMathAnswer('x\\approx11')).toEqual({ kind: 'equation', lhs: 'x', rhs: '11' });
  });

  it('reads semicolons, brace sets and wrapped matrices', () => {
    expect(parseMathAnswer('(0;-2;6)')).toEqual({
      kind: 'sequence',
      open: '(',
      close: ')',
      items: [
        { kind: 'scalar', text: '0' },
        { kind: 'scalar', text: '-2' },
        { kind: 'scalar', text: '6' },
      ],
    });
    expect(parseMathAnswer('{2,3}')).toEqual({
      kind: 'set',
      items: [
        { kind: 'scalar', text: '2' },
        { kind: 'scalar', text: '3' },
      ],
    });
    expect(parseMathAnswer('{5}')).toEqual({ kind: 'scalar', text: '5' });
    expect(parseMathAnswer('[\\begin{array}{cc}1&2\\end{array}]')).toEqual({
      kind: 'matrix',
      rows: [
        [
          { kind: 'scalar', text: '1' },
          { kind: 'scalar', text: '2' },
        ],
      ],
    });
    expect(parseMathAnswer('p=5,q=2;p=7,q=2').kind).toBe('list');
  });
});
