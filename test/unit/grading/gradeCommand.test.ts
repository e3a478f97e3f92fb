import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { gradeCommand } from '../../../main/cli/commands/grade';
import { UsageError } from '../../../main/cli/cliIo';

async function runGrade(args: string[], input: string): Promise<{ code: number; lines: Array<Record<string, unknown>>; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await gradeCommand(args, { stdin: Readable.from([input]), stdout, stderr });
  return { code, lines: out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>), stderr: err };
}

const jsonl = (...rows: unknown[]) => rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n';

describe('z1wb grade', () => {
  it('grades math lines in input order with the fields the issue names', async () => {
    const input = jsonl(
      { id: 'a', gold: '\\frac{1}{2}', response: 'so \\boxed{0.5}' },
      { id: 'b', gold: 3, response: 'I give up' },
      { id: 'c', gold: '(1,2)', response: 'Answer: (2, 1)' },
    );
    const { code, lines, stderr } = await runGrade(['--grader', 'math', '--concurrency', '2'], input);
    expect(code).toBe(0);
    expect(lines).toEqual([
      { id: 'a', correct: true, extracted: '0.5', outcome: 'correct', reason: 'equal numbers', method: 'boxed', span: [10, 13] },
      { id: 'b', correct: false, extracted: null, outcome: 'unparsed', reason: 'no \\boxed{}, "final answer" or "Answer:" in the response', method: null, span: null },
      { id: 'c', correct: false, extracted: '(2, 1)', outcome: 'wrong', reason: 'part 1 differs (different numbers: 1 vs 2)', method: 'answer-label', span: [8, 14] },
    ]);
    expect(stderr).toBe('graded 3 lines with "math": 1 correct, 1 wrong, 1 unparsed, 0 error; accuracy 33.3% (Wilson 95% 6.1%–79.2%)\n');
  });

  it('answers a malformed line with an error naming its line number and grades the rest', async () => {
    const input = jsonl({ id: 1, gold: '2', response: '\\boxed{2}' }, '{not json', '', { id: 4, response: 'no gold' }, { id: 5, gold: '5', response: '\\boxed{5}' });
    const { code, lines } = await runGrade(['--grader', 'math', '--quiet'], input);
    expect(code).toBe(1);
    expect(lines.map((line) => [line['id'], line['outcome']])).toEqual([
      [1, 'correct'],
      [null, 'error'],
      [4, 'error'],
      [5, 'correct'],
    ]);
    expect(lines[1]!['reason']).toMatch(/^line 2: not valid JSON \(/);
    expect(lines[2]!['reason']).toBe('line 4: gold: expected a string or a number');
  });

  it('grades multiple choice with the seeded shuffle and needs choices', async () => {
    const choices = ['right', 'w1', 'w2', 'w3'];
    const input = jsonl({ id: 'gpqa-1', gold: 'right', response: 'Answer: D', choices }, { id: 'gpqa-2', gold: 'A', response: 'Answer: A' });
    const { code, lines } = await runGrade(['--grader', 'mcq', '--quiet'], input);
    expect(code).toBe(1);
    expect(lines[0]).toMatchObject({ id: 'gpqa-1', correct: true, extracted: 'D', outcome: 'correct' });
    expect(lines[1]).toMatchObject({ id: 'gpqa-2', outcome: 'error', reason: 'line 2: "choices" is required by the mcq grader' });
    const unshuffled = await runGrade(['--grader', 'mcq', '--no-shuffle', '--quiet'], jsonl({ id: 'gpqa-1', gold: 'right', response: 'Answer: A', choices }));
    expect(unshuffled.lines[0]).toMatchObject({ correct: true, extracted: 'A' });
  });

  it('passes flags into the grader settings', async () => {
    const exact = await runGrade(['--grader', 'exact', '--case-sensitive', '--quiet'], jsonl({ id: 1, gold: 'Paris', response: 'Answer: paris' }));
    expect(exact.lines[0]).toMatchObject({ outcome: 'wrong' });
    const regex = await runGrade(['--grader', 'regex', '--pattern', 'ANS=(\\d+)', '--quiet'], jsonl({ id: 1, gold: '7', response: 'ANS=3 ANS=7' }));
    expect(regex.lines[0]).toMatchObject({ outcome: 'correct', extracted: '7', span: [10, 11] });
    const numeric = await runGrade(['--grader', 'numeric', '--tolerance', '0.01', '--quiet'], jsonl({ id: 1, gold: '3.14159', response: 'about 3.14' }));
    expect(numeric.lines[0]).toMatchObject({ outcome: 'correct', method: 'last-number' });
    const fallback = await runGrade(['--grader', 'math', '--fallback', 'last-number', '--quiet'], jsonl({ id: 1, gold: '42', response: 'it is 42' }));
    expect(fallback.lines[0]).toMatchObject({ outcome: 'correct', method: 'last-number' });
  });

  it('refuses wrong usage', async () => {
    await expect(runGrade([], '')).rejects.toThrow(new UsageError('--grader is required'));
    await expect(runGrade(['--grader', 'vibes'], '')).rejects.toThrow(new UsageError('unknown grader "vibes" (known: math, mcq, exact, regex, numeric, code)'));
    await expect(runGrade(['--grader', 'regex'], '')).rejects.toThrow(/^invalid settings: pattern: /);
    await expect(runGrade(['--grader', 'math', '--settings', '[1]'], '')).rejects.toThrow(new UsageError('--settings must be a JSON object'));
  });
});
