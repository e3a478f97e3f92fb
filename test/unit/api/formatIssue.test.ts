import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssue, formatIssues, formatPath } from '../../../common/api/validate';

describe('one way to say where a setting is wrong', () => {
  it('writes JSON paths with or without a root', () => {
    expect(formatPath('params', ['cells', 3, 'window'])).toBe('params.cells[3].window');
    expect(formatPath('', ['cells', 3, 'window'])).toBe('cells[3].window');
    expect(formatPath('window', [1, 'window'])).toBe('window[1].window');
  });

  it('says each issue as path: message, the root itself when the whole value is wrong', () => {
    const parsed = z.object({ a: z.number(), b: z.array(z.string()) }).safeParse({ a: 'x', b: [1] });
    expect(parsed.success).toBe(false);
    const issues = parsed.success ? [] : parsed.error.issues;
    expect(formatIssues('grader', issues)).toBe(
      'grader.a: Invalid input: expected number, received string; grader.b[0]: Invalid input: expected string, received number',
    );
    expect(formatIssue('', { path: [], message: 'expected an object' })).toBe('(root): expected an object');
    expect(formatIssue('model', { path: [], message: 'expected an object' })).toBe('model: expected an object');
  });
});
