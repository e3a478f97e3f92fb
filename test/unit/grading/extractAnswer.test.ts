import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../../main/grading/extraction/extractAnswer';

function extract(response: string, fallbacks: Parameters<typeof extractAnswer>[1] = []) {
  const found = extractAnswer(response, fallbacks);
  if (found) expect(response.slice(found.span[0], found.span[1])).toBe(found.text);
  return found && { text: found.text, method: found.method, span: found.span };
}

describe('answer extraction', () => {
  it('takes the last \\boxed{} with nested braces and records where it was', () => {
    expect(extract('so \\boxed{\\frac{1}{2}}.')).toEqual({ text: '\\frac{1}{2}', method: 'boxed', span: [10, 21] });
    expect(extract('first \\boxed{1} then \\boxed{2}')).toEqual({ text: '2', method: 'boxed', span: [28, 29] });
    expect(extract('$\\boxed{\\{1,2\\}}$')?.text).toBe('\\{1,2\\}');
    expect(extract('\\boxed{\\begin{pmatrix}1\\\\2\\end{pmatrix}}')?.text).toBe('\\begin{pmatrix}1\\\\2\\end{pmatrix}');
  });

  it('reads \\fbox{} and the brace-less \\boxed 5', () => {
    expect(extract('\\fbox{7}')).toEqual({ text: '7', method: 'fbox', span: [6, 7] });
    expect(extract('$\\boxed 5$')).toEqual({ text: '5', method: 'boxed', span: [8, 9] });
  });

  it('skips a box the budget cut off for the previous complete one', () => {
    expect(extract('\\boxed{3} but wait \\boxed{\\frac{4')).toEqual({ text: '3', method: 'boxed', span: [7, 8] });
  });

  it('does not take \\boxedsomething or an empty box', () => {
    expect(extract('\\boxedfoo{3}')).toBeNull();
    expect(extract('\\boxed{ }')).toBeNull();
  });

  it('reads "the final answer is", Z1\'s hint, "Answer:" and "the answer is"', () => {
    expect(extract('Final Answer: The final answer is $42$. I hope it is correct.')).toEqual({
      text: '42',
      method: 'final-answer',
      span: [35, 37],
    });
    expect(extract('I overthought it, the final answer should be:\n\n12')).toEqual({
      text: '12',
      method: 'final-answer',
      span: [47, 49],
    });
    expect(extract('Work...\nAnswer: 17\n')).toEqual({ text: '17', method: 'answer-label', span: [16, 18] });
    expect(extract('**Answer:** $x = 2$')).toEqual({ text: 'x = 2', method: 'answer-label', span: [13, 18] });
    expect(extract('So the answer is 3.5.')).toEqual({ text: '3.5', method: 'answer-is', span: [17, 20] });
  });

  it('prefers a box over a phrase', () => {
    expect(extract('The final answer is 4, i.e. \\boxed{5}')?.text).toBe('5');
  });

  it('is unparsed without a box or phrase, never a default', () => {
    expect(extract('I think it is 42 or so')).toBeNull();
    expect(extract('')).toBeNull();
  });

  it('falls back only when asked, in the order given', () => {
    expect(extract('I think it is 42 or so', ['last-number'])).toEqual({
      text: '42',
      method: 'last-number',
      span: [14, 16],
    });
    expect(extract('The total is 1,234.', ['last-number'])).toEqual({
      text: '1,234',
      method: 'last-number',
      span: [13, 18],
    });
    expect(extract('costs -3.5 or 7/8 dollars', ['last-number'])?.text).toBe('7/8');
    expect(extract('one\nParis.\n\n', ['last-line'])).toEqual({ text: 'Paris', method: 'last-line', span: [4, 9] });
    expect(extract('  Paris  ', ['last-number', 'whole-response'])).toEqual({
      text: 'Paris',
      method: 'whole-response',
      span: [2, 7],
    });
  });

  it('takes a run of boxes that answer together as one list', () => {
    // The span runs from the first box's content to the last's; the text joins the contents.
    expect(extractAnswer('\\boxed{1}, \\boxed{2} and \\boxed{3}')).toEqual({
      text: '1, 2, 3',
      method: 'boxed',
      span: [7, 33],
    });
    expect(extractAnswer('$\\boxed{k = 45}$ \\quad \\text{and} \\quad $\\boxed{n = 2}$')?.text).toBe('k = 45, n = 2');
    expect(extractAnswer('\\boxed{1}\\boxed{2}')?.text).toBe('1, 2');
    expect(extractAnswer('\\boxed{(3, 3)} for part (a) and \\boxed{(1, 1)}')?.text).toBe('(3, 3), (1, 1)');
    // Prose without "and"/"or", a full stop, or a long gap separates answers: the last one counts.
    expect(extract('\\boxed{1} no no no no no \\boxed{2}')?.text).toBe('2');
    expect(extract('\\boxed{1}. Then \\boxed{2}')?.text).toBe('2');
    expect(extract('$a = \\boxed{3}$, and so the answer is $\\boxed{7}$')?.text).toBe('7');
    expect(extract(`\\boxed{1} and ${'then a long way round '.repeat(4)}\\boxed{2}`)?.text).toBe('2');
    // The same box written twice is one answer.
    expect(extractAnswer('\\boxed{7} and \\boxed{7}')?.text).toBe('7');
  });

  it('takes the mathematics out of a closing sentence', () => {
    expect(extract('Final Answer: The largest $n$ is 34.')).toEqual({
      text: '34',
      method: 'final-answer',
      span: [33, 35],
    });
    expect(extract('Final Answer: The final answer is $(-6, 10)$. I hope it is correct.')?.text).toBe('(-6, 10)');
    expect(extract('Final Answer: The final answer is $12$ and $13$. I hope it is correct.')?.text).toBe('12$ and $13');
    expect(extract('Final Answer: There are 12 distinct sequences.')?.text).toBe('12');
    expect(extract('Final Answer: Jane planted the tree 3 years ago.')?.text).toBe('3');
    expect(extract('Final Answer: Jane planted 3 trees 4 years ago.')?.text).toBe('Jane planted 3 trees 4 years ago');
    expect(extract('The answer is Evelyn.')?.text).toBe('Evelyn');
  });

  it('reads "Answer" right before math, where inline math stays on one line', () => {
    expect(extract('Answer \\[ 9 \\]')).toEqual({ text: '9', method: 'answer-label', span: [10, 11] });
    expect(extract('Answer $$ \n 9 \n $$')?.text).toBe('9');
    expect(extract('Answer \\( (9+1) \\)')?.text).toBe('(9+1)');
    expect(extract('Answer $ \n 9 \n $')).toBeNull();
  });

  it('prefers a final answer stated after the last box, which held an intermediate result', () => {
    expect(
      extract('so $x = \\boxed{200}$. Then the total is 10,455. Final Answer: The final answer is $10,455$.')?.text,
    ).toBe('10,455');
    expect(extract('The answer is 4, i.e. \\boxed{5}')?.text).toBe('5');
    expect(extract('Final Answer: The final answer is $\\boxed{6}$.')?.text).toBe('6');
  });

  it('falls back to the last mathematics: a math span, or a bare number written after it', () => {
    expect(extract('Therefore $x \\geq 5$ is the solution.', ['last-math'])).toEqual({
      text: 'x \\geq 5',
      method: 'last-math',
      span: [11, 19],
    });
    expect(extract('With $d = 90/n$ there are 12 sequences.', ['last-math'])).toEqual({
      text: '12',
      method: 'last-math',
      span: [26, 28],
    });
    expect(extract('\\frac{10}{9}', ['last-math'])).toEqual({
      text: '\\frac{10}{9}',
      method: 'last-math',
      span: [0, 12],
    });
    expect(extract('1 000', ['last-math'])?.text).toBe('1 000');
    expect(extract('I give up.', ['last-math'])).toBeNull();
    // Thinking steps of a cut generation are not an answer.
    expect(extract(' s1 s2 s3 s4', ['last-math'])).toBeNull();
    expect(extract('x_1 = 2, x_2 = 3', ['last-math'])?.text).toBe('x_1 = 2, x_2 = 3');
  });
});
