import { afterAll, describe, expect, it } from 'vitest';
import { grade } from '../../../main/grading/grade';
import { GradingPool } from '../../../main/grading/worker/gradingPool';

const pool = new GradingPool({ size: 1 });
afterAll(() => pool.close());

describe('grade()', () => {
  it('grades in a worker thread and returns the whole result', async () => {
    expect(pool.mode).toBe('workers');
    expect(await grade({ grader: 'math' }, { gold: '\\frac{1}{4}', response: 'Thus $\\boxed{0.25}$.' }, { pool })).toEqual({
      outcome: 'correct',
      correct: true,
      extracted: '0.25',
      method: 'boxed',
      span: [13, 17],
      reason: 'equal numbers',
      answerKey: '1/4',
    });
  });

  it('reports unparsed responses as their own outcome', async () => {
    expect(await grade({ grader: 'math' }, { gold: '3', response: 'I could not finish.' }, { pool })).toEqual({
      outcome: 'unparsed',
      correct: false,
      extracted: null,
      method: null,
      span: null,
      reason: 'no \\boxed{}, "final answer" or "Answer:" in the response',
      answerKey: null,
    });
  });

  it('turns invalid settings and items into error outcomes, never a rejection', async () => {
    expect(await grade({ grader: 'math', relativeTolerance: -1 } as never, { gold: '1', response: '1' }, { pool })).toMatchObject({
      outcome: 'error',
      reason: 'invalid grader settings: relativeTolerance: Too small: expected number to be >=0',
    });
    expect(await grade({ grader: 'math' }, { gold: '1' } as never, { pool })).toMatchObject({
      outcome: 'error',
      reason: 'invalid item: response: Invalid input: expected string, received undefined',
    });
  });

  it('stops a comparison at its time limit and goes on with a fresh worker', async () => {
    const slow = await grade({ grader: 'regex', pattern: '(a+)+$', timeLimitMs: 300 }, { gold: 'x', response: `${'a'.repeat(40)}b` }, { pool });
    expect(slow).toMatchObject({ outcome: 'error', correct: false, reason: 'the comparison exceeded the 300 ms time limit' });
    const factorial = await grade({ grader: 'math', timeLimitMs: 300 }, { gold: '1', response: '\\boxed{100000!}' }, { pool });
    expect(factorial).toMatchObject({ outcome: 'error', reason: 'the comparison exceeded the 300 ms time limit' });
    expect((await grade({ grader: 'math' }, { gold: '2', response: '\\boxed{2}' }, { pool })).outcome).toBe('correct');
  });

  it('never throws on junk', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const alphabet = ['\\boxed{', '}', '{', '\\frac', '\\sqrt', '(', ')', '[', ']', ',', '=', '\\{', '\\}', 'x', '1', '2', '^', '_', '\\', '$', '.', '%', '\\cup', '\\pm', '&', '\\\\', '\\begin{pmatrix}', '\\end{pmatrix}', '\\text{', ' '];
    const junk = () => Array.from({ length: 1 + Math.floor(random() * 30) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const outcomes = new Set<string>();
    for (let i = 0; i < 150; i++) {
      const result = await grade({ grader: 'math', timeLimitMs: 2000 }, { gold: junk(), response: `\\boxed{${junk()}}` }, { pool });
      outcomes.add(result.outcome);
      expect(['correct', 'wrong', 'unparsed']).toContain(result.outcome);
    }
    expect(outcomes.has('wrong')).toBe(true);
  });
});
