import { describe, expect, it } from 'vitest';
import { exactGraderSettings, numericGraderSettings, regexGraderSettings } from '../../../common/grading/graderSettings';
import { gradeExact } from '../../../main/grading/text/gradeExact';
import { gradeNumeric, readNumber } from '../../../main/grading/text/gradeNumeric';
import { gradeRegex } from '../../../main/grading/text/gradeRegex';

describe('exact grader', () => {
  const settings = exactGraderSettings.parse({ grader: 'exact' });
  it('compares the extracted answer after unwrapping \\text{} and folding case', () => {
    expect(gradeExact(settings, 'Paris', 'It is \\boxed{\\text{paris}}')).toMatchObject({ outcome: 'correct', extracted: '\\text{paris}', method: 'boxed' });
    expect(gradeExact(settings, 'New  York', 'Answer: new york')).toMatchObject({ outcome: 'correct' });
    expect(gradeExact(settings, 'Paris', 'Answer: Lyon')).toMatchObject({ outcome: 'wrong', reason: '"lyon" is not "paris"' });
  });
  it('respects caseSensitive and is unparsed without an answer', () => {
    const strict = exactGraderSettings.parse({ grader: 'exact', caseSensitive: true });
    expect(gradeExact(strict, 'Paris', '\\boxed{paris}').outcome).toBe('wrong');
    expect(gradeExact(settings, 'Paris', 'Paris, I think').outcome).toBe('unparsed');
    expect(gradeExact(exactGraderSettings.parse({ grader: 'exact', fallbacks: ['whole-response'] }), 'Paris', ' Paris ').outcome).toBe('correct');
  });
});

describe('regex grader', () => {
  it('takes group 1 of the last match', () => {
    const settings = regexGraderSettings.parse({ grader: 'regex', pattern: 'ANSWER:\\s*(\\w+)' });
    const response = 'ANSWER: cat ... no, ANSWER: dog';
    expect(gradeRegex(settings, 'Dog', response)).toEqual({
      outcome: 'correct',
      correct: true,
      extracted: 'dog',
      method: 'regex',
      span: [28, 31],
      reason: 'same text',
      answerKey: 'dog',
    });
  });
  it('prefers the group named "answer" and is unparsed without a match', () => {
    const settings = regexGraderSettings.parse({ grader: 'regex', pattern: '(x)=(?<answer>\\d+)', caseSensitive: true });
    expect(gradeRegex(settings, '12', 'so x=12')).toMatchObject({ outcome: 'correct', extracted: '12', span: [5, 7] });
    expect(gradeRegex(settings, '12', 'nothing here').outcome).toBe('unparsed');
  });
  it('rejects an invalid pattern in the settings', () => {
    expect(regexGraderSettings.safeParse({ grader: 'regex', pattern: '(' }).success).toBe(false);
  });
});

describe('numeric grader', () => {
  const settings = numericGraderSettings.parse({ grader: 'numeric', tolerance: 1e-3 });
  it('reads numbers in the usual spellings', () => {
    expect(readNumber('1,234.5')).toEqual({ value: 1234.5, percent: false });
    expect(readNumber('-3/4')).toEqual({ value: -0.75, percent: false });
    expect(readNumber('\\frac{3}{4}')).toEqual({ value: 0.75, percent: false });
    expect(readNumber('12\\%')).toEqual({ value: 12, percent: true });
    expect(readNumber('2\\sqrt{2}')?.value).toBeCloseTo(2.8284271247461903, 12);
    expect(readNumber('x+1')).toBeNull();
  });
  it('compares within the absolute or relative tolerance', () => {
    expect(gradeNumeric(settings, '3.14159', '\\boxed{3.1416}').outcome).toBe('correct');
    expect(gradeNumeric(settings, '3.14159', '\\boxed{3.15}').outcome).toBe('wrong');
    expect(gradeNumeric(numericGraderSettings.parse({ grader: 'numeric', tolerance: 0, relativeTolerance: 0.01 }), '200', 'Answer: 201').outcome).toBe('correct');
    expect(gradeNumeric(settings, '12', 'the result is 12 apples').outcome).toBe('correct');
    expect(gradeNumeric(settings, '0.12', '\\boxed{12\\%}').outcome).toBe('correct');
  });
  it('is unparsed for a non-number and an error for a non-numeric gold', () => {
    expect(gradeNumeric(settings, '3', '\\boxed{x}')).toMatchObject({ outcome: 'unparsed', extracted: 'x' });
    expect(gradeNumeric(settings, 'three', '\\boxed{3}').outcome).toBe('error');
  });
});
