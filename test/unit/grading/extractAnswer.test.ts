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
    expect(extract('Final Answer: The final answer is $42$. I hope it is correct.')).toEqual({ text: '42', method: 'final-answer', span: [35, 37] });
    expect(extract('I overthought it, the final answer should be:\n\n12')).toEqual({ text: '12', method: 'final-answer', span: [47, 49] });
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
    expect(extract('I think it is 42 or so', ['last-number'])).toEqual({ text: '42', method: 'last-number', span: [14, 16] });
    expect(extract('The total is 1,234.', ['last-number'])).toEqual({ text: '1,234', method: 'last-number', span: [13, 18] });
    expect(extract('costs -3.5 or 7/8 dollars', ['last-number'])?.text).toBe('7/8');
    expect(extract('one\nParis.\n\n', ['last-line'])).toEqual({ text: 'Paris', method: 'last-line', span: [4, 9] });
    expect(extract('  Paris  ', ['last-number', 'whole-response'])).toEqual({ text: 'Paris', method: 'whole-response', span: [2, 7] });
  });
});
