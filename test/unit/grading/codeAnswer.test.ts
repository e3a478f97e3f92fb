import { describe, expect, it } from 'vitest';
import { codeTest } from '../../../main/grading/code/codeTest';
import { firstDifference, outputsMatch } from '../../../main/grading/code/compareOutput';
import { extractCode } from '../../../main/grading/code/extractCode';

describe('code extraction', () => {
  it('takes the last fenced Python block and records its span', () => {
    const response = 'Idea.\n```python\nprint(1)\n```\nBetter:\n```py\nprint(2)\n```\n';
    expect(extractCode(response)).toEqual({ text: 'print(2)', method: 'code-fence', span: [43, 51] });
  });

  it('passes over a sample-output block that follows the code', () => {
    const response = '```python\nprint(input())\n```\nOutput:\n```text\n5\n```';
    expect(extractCode(response)?.text).toBe('print(input())');
  });

  it('takes untagged and ~~~ fences, and another language only when nothing else is there', () => {
    expect(extractCode('~~~\nx = 1\n~~~')?.text).toBe('x = 1');
    expect(extractCode('```cpp\nint main(){}\n```')?.text).toBe('int main(){}');
  });

  it('ignores a fence the budget cut off, and is null without code', () => {
    expect(extractCode('```python\nprint(1)\n```\n```python\nprint(2')?.text).toBe('print(1)');
    expect(extractCode('print(1)')).toBeNull();
    expect(extractCode('```python\n\n```')).toBeNull();
  });
});

describe('standard output comparison', () => {
  it('ignores trailing spaces, line endings, surrounding blank lines and number spellings', () => {
    expect(outputsMatch('3 \r\n4\n\n', '3\n4')).toBe(true);
    expect(outputsMatch('1.0 2', '1 2.00')).toBe(true);
    expect(outputsMatch('1e3', '1000')).toBe(true);
  });
  it('is strict about content and line structure', () => {
    expect(outputsMatch('3 4', '3\n4')).toBe(false);
    expect(outputsMatch('YES', 'yes')).toBe(false);
    expect(outputsMatch('1.0001', '1')).toBe(false);
    expect(firstDifference('1\n2\n', '1\n3\n')).toBe('line 2: expected "3", got "2"');
    expect(firstDifference('1\n', '1\n2\n')).toBe('line 2: expected "2", got nothing');
  });
});

describe('code test schema', () => {
  it('reads {input, output} as a stdio case and checks function tests', () => {
    expect(codeTest.parse({ input: '1', output: '2' })).toEqual({ type: 'stdio', input: '1', output: '2' });
    expect(codeTest.safeParse({ type: 'function', code: 'def check(c): pass', entryPoint: 'not a name' }).success).toBe(false);
  });
});
