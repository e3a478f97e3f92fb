import { describe, expect, it } from 'vitest';
import { mcqGraderSettings } from '../../../common/grading/graderSettings';
import { extractChoiceLetter } from '../../../main/grading/choice/extractChoiceLetter';
import { gradeChoice } from '../../../main/grading/choice/gradeChoice';
import { presentChoices, problemSeed, shuffleOrder } from '../../../main/grading/choice/shuffleChoices';

const FOUR = ['w', 'x', 'y', 'z'];
const letter = (response: string, choices = FOUR) => {
  const found = extractChoiceLetter(response, choices);
  return found && [found.text, found.method];
};

describe('option shuffle', () => {
  it('is a fixed function of the seed (values checked against an independent Python port)', () => {
    expect(problemSeed(0, 'gpqa-1')).toBe(3732984104);
    expect(shuffleOrder(4, 3732984104)).toEqual([2, 1, 3, 0]);
    expect(problemSeed(7, 'gpqa-1')).toBe(3426970675);
    expect(shuffleOrder(4, 3426970675)).toEqual([3, 2, 1, 0]);
    expect(shuffleOrder(4, 12345)).toEqual([1, 2, 0, 3]);
  });

  it('is stable for a seed and a permutation', () => {
    const first = presentChoices(['a', 'b', 'c', 'd', 'e'], 99);
    expect(presentChoices(['a', 'b', 'c', 'd', 'e'], 99)).toEqual(first);
    expect([...first.order].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(first.choices).toEqual(first.order.map((i) => ['a', 'b', 'c', 'd', 'e'][i]));
    expect(presentChoices(['a', 'b'], null)).toEqual({ choices: ['a', 'b'], order: [0, 1] });
  });

  it('spreads the first option evenly over the positions', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shuffleOrder(4, problemSeed(0, `q${i}`)).indexOf(0)]!++;
    expect(counts).toEqual([1044, 989, 988, 979]);
  });
});

describe('option letter extraction', () => {
  it('reads boxed letters in their usual spellings', () => {
    expect(letter('so \\boxed{C}')).toEqual(['C', 'boxed']);
    expect(letter('\\boxed{\\text{(B)}}')).toEqual(['B', 'boxed']);
    expect(letter('\\boxed{D. z}')).toEqual(['D', 'boxed']);
  });

  it('reads "Answer: X", "the answer is (X)" and a final "(X)"', () => {
    expect(letter('Answer: B')).toEqual(['B', 'answer-label']);
    expect(letter('**Answer: C**')).toEqual(['C', 'answer-label']);
    expect(letter('The answer is (D).')).toEqual(['D', 'answer-label']);
    expect(letter('Between (A) and (C), I pick (C)')).toEqual(['C', 'choice-parenthesized']);
  });

  it('maps a boxed option text to its letter', () => {
    expect(letter('\\boxed{7}', ['3', '5', '7', '9'])).toEqual(['C', 'choice-text']);
  });

  it('never reads an article or a letter that is not an option', () => {
    expect(letter('the answer is a multiple of three')).toBeNull();
    expect(letter('Answer: E')).toBeNull();
    expect(letter('no idea')).toBeNull();
  });
});

describe('mcq grader', () => {
  const settings = mcqGraderSettings.parse({ grader: 'mcq' });
  const unshuffled = mcqGraderSettings.parse({ grader: 'mcq', shuffle: false });

  it('maps the answer through the shuffle the prompt showed', () => {
    // Seed 3732984104 gives the order [2, 1, 3, 0]: the right option (index 0) is shown at D.
    const item = { id: 'gpqa-1', gold: 'A', response: 'Answer: D', choices: ['right', 'w1', 'w2', 'w3'] };
    const result = gradeChoice(settings, item);
    expect(result).toEqual({
      outcome: 'correct',
      correct: true,
      extracted: 'D',
      method: 'answer-label',
      span: [8, 9],
      reason: 'answered D (option 1 as listed); correct is D in the order shuffled with seed 3732984104',
      answerKey: 'option 1',
    });
    expect(gradeChoice(settings, { ...item, response: 'Answer: A' }).outcome).toBe('wrong');
  });

  it('does not reward always answering A on a right-answer-first file', () => {
    let correct = 0;
    for (let i = 0; i < 100; i++) {
      if (gradeChoice(settings, { id: `q${i}`, gold: 'A', response: 'Answer: A', choices: ['right', 'w1', 'w2', 'w3'] }).correct) correct++;
    }
    expect(correct).toBe(19);
    let unshuffledCorrect = 0;
    for (let i = 0; i < 100; i++) {
      if (gradeChoice(unshuffled, { id: `q${i}`, gold: 'A', response: 'Answer: A', choices: ['right', 'w1', 'w2', 'w3'] }).correct) unshuffledCorrect++;
    }
    expect(unshuffledCorrect).toBe(100);
  });

  it('uses a stored shuffle seed over the derived one', () => {
    const item = { id: 'ignored', gold: 'right', response: '\\boxed{B}', choices: ['right', 'w1', 'w2', 'w3'], shuffleSeed: 12345 };
    // Order [1, 2, 0, 3]: the right option (index 0) is shown third, at C.
    expect(gradeChoice(settings, item).correct).toBe(false);
    expect(gradeChoice(settings, { ...item, response: '\\boxed{C}' }).correct).toBe(true);
  });

  it('is unparsed without a letter and an error for a bad gold', () => {
    expect(gradeChoice(unshuffled, { gold: 'A', response: 'I am unsure.', choices: FOUR }).outcome).toBe('unparsed');
    expect(gradeChoice(unshuffled, { gold: 'Q', response: 'Answer: A', choices: FOUR }).outcome).toBe('error');
    expect(gradeChoice(unshuffled, { gold: 'A', response: 'Answer: A' }).outcome).toBe('error');
  });
});
