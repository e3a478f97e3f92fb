import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeGraderSettings, type CodeGraderSettings } from '../../../common/grading/graderSettings';
import type { CodeTest } from '../../../main/grading/code/codeTest';
import { gradeCode } from '../../../main/grading/code/gradeCode';
import { sandboxCapabilities } from '../../../main/grading/code/sandboxCapabilities';

const capabilities = await sandboxCapabilities();
const bubblewrap = capabilities.kind === 'bubblewrap';
const settings = codeGraderSettings.parse({ grader: 'code', timeoutMs: 2000 });
const py = (code: string) => `Here is my solution.\n\n\`\`\`python\n${code}\n\`\`\`\n`;
const stdio = (input: string, output: string): CodeTest => ({ type: 'stdio', input, output });
const call = (entryPoint: string, args: unknown[], expected: unknown) =>
  ({ type: 'call', entryPoint, args, expected }) as CodeTest;
const unittest = (body: string): CodeTest => ({
  type: 'unittest',
  code: `import unittest\nclass T(unittest.TestCase):\n${body}`,
});
const run = (code: string, tests: CodeTest[], overrides: Partial<CodeGraderSettings> = {}) =>
  gradeCode({ ...settings, ...overrides }, { response: py(code), tests });
const outcomes = (result: Awaited<ReturnType<typeof run>>) => result.tests!.map((t) => [t.outcome, t.reason]);

describe.runIf(bubblewrap)('code grader in the bubblewrap sandbox: results', () => {
  it('passes a correct stdin/stdout program and says how it was sandboxed', async () => {
    const result = await run('a, b = map(int, input().split())\nprint(a + b)', [
      stdio('1 2\n', '3\n'),
      stdio('5 5', '10'),
    ]);
    expect(result).toMatchObject({
      outcome: 'correct',
      correct: true,
      reason: 'all 2 tests passed',
      method: 'code-fence',
      extracted: 'a, b = map(int, input().split())\nprint(a + b)',
    });
    expect(outcomes(result)).toEqual([
      ['pass', 'output matches'],
      ['pass', 'output matches'],
    ]);
    expect(result.sandbox).toEqual({
      isolation: 'bubblewrap',
      network: 'isolated',
      pidNamespace: true,
      privateTmp: true,
      user: capabilities.isRoot ? 'dedicated-uid' : 'same-user',
      notes: [],
    });
  });

  it('fails wrong output, naming the first differing line', async () => {
    const result = await run('print(42)', [stdio('', '3')]);
    expect(result.outcome).toBe('wrong');
    expect(result.reason).toBe('0/1 tests passed; test 1: fail (wrong output: line 1: expected "3", got "42")');
  });

  it('runs HumanEval check(candidate), asserts and unittest classes', async () => {
    const result = await run('def add(a, b):\n    return a + b', [
      { type: 'function', code: 'def check(candidate):\n    assert candidate(1, 2) == 3\n', entryPoint: 'add' },
      { type: 'function', code: 'def check(candidate):\n    assert candidate(1, 1) == 3, "1+1"\n', entryPoint: 'add' },
      { type: 'function', code: 'def check(candidate):\n    pass\n', entryPoint: 'missing' },
      { type: 'assert', code: 'assert add(2, 2) == 4' },
      unittest(
        '    def test_a(self):\n        self.assertEqual(add(1, 1), 2)\n    def test_b(self):\n        self.assertEqual(add(1, 1), 3)\n',
      ),
    ]);
    expect(outcomes(result)).toEqual([
      ['pass', 'passed'],
      ['fail', 'assertion failed: 1+1'],
      ['crash', 'test raised NameError: the solution defines no missing'],
      ['pass', 'passed'],
      ['fail', '1 of 2 unittest tests failed (test_b): AssertionError: 2 != 3'],
    ]);
  });

  it('compares call results in the grader: numbers by value, tuples as lists, big integers exactly', async () => {
    const code = [
      'def pair(a, b):\n    return (a + b, [a, b / 2])',
      'def big(n, plus=0):\n    return 2 ** n + plus',
      'class Solution:\n    def twoSum(self, nums, target):\n        seen = {}\n        for i, x in enumerate(nums):\n            if target - x in seen:\n                return [seen[target - x], i]\n            seen[x] = i',
      'def mapping():\n    return {"a": 1.0, "b": None}',
      'def fails():\n    raise ValueError("no")',
    ].join('\n');
    const result = await run(code, [
      call('pair', [2, 4], [6, [2, 2]]),
      call('pair', [2, 4], [6, [2, 3]]),
      call('big', [70], 2 ** 70),
      call('big', [70, 1], 2 ** 70),
      call('big', [3], 8),
      call('Solution.twoSum', [[2, 7, 11, 15], 9], [0, 1]),
      call('mapping', [], { a: 1, b: null }),
      call('fails', [], 1),
    ]);
    expect(outcomes(result)).toEqual([
      ['pass', 'result matches'],
      ['fail', 'wrong result: expected [6,[2,3]], got (6, [2, 2])'],
      ['pass', 'result matches'],
      ['fail', 'wrong result: expected 1.1805916207174113e+21, got 1180591620717411303425'],
      ['pass', 'result matches'],
      ['pass', 'result matches'],
      ['pass', 'result matches'],
      ['crash', 'call raised ValueError: no'],
    ]);
  });

  it("gives check() the solution's functions by proxy, its imports and plain constants, never its builtins", async () => {
    const code = [
      'import math',
      'from fractions import Fraction',
      'def encode(s):\n    return s[::-1]',
      'def decode(s):\n    return s[::-1]',
      'def strict(x):\n    if x < 0:\n        raise ValueError("negative")\n    return x',
      'def abs(x):\n    return 0',
      'LIMIT = 3',
      'CACHE = object()',
    ].join('\n');
    const result = await run(code, [
      {
        type: 'function',
        code: 'def check(candidate):\n    assert candidate(encode("abc")) == "abc"\n',
        entryPoint: 'decode',
      },
      {
        type: 'function',
        code: 'def check(candidate):\n    try:\n        candidate(-1)\n    except ValueError as e:\n        assert str(e) == "negative"\n    else:\n        assert False\n',
        entryPoint: 'strict',
      },
      {
        type: 'assert',
        code: 'assert strict(LIMIT) == 3 and math.isclose(math.pi, 3.14159, rel_tol=1e-3) and Fraction(1, 2) == 0.5',
      },
      { type: 'assert', code: 'assert abs(strict(2) - 5) == 3' },
      { type: 'assert', code: 'assert CACHE' },
      { type: 'function', code: 'def check(candidate):\n    assert candidate(lambda: 1)\n', entryPoint: 'strict' },
    ]);
    expect(outcomes(result)).toEqual([
      ['pass', 'passed'],
      ['pass', 'passed'],
      ['pass', 'passed'],
      ['pass', 'passed'],
      [
        'crash',
        "test raised NameError: name 'CACHE' is not defined (CACHE is not a function or a plain value of the solution; tests reach only those, through another process)",
      ],
      [
        'fail',
        'the test passed a value of type function, not a plain value (None, bool, int, float, str, bytes, list, tuple, dict, set) to strict; only plain values reach the solution',
      ],
    ]);
  });

  it('runs unittest solutions that use frames, tracebacks and warnings through the standard library', async () => {
    const code = [
      'import collections, dataclasses, logging, traceback, warnings, enum, typing',
      'Point = collections.namedtuple("Point", "x y")',
      '@dataclasses.dataclass\nclass Box:\n    size: int',
      'Color = enum.Enum("Color", "RED GREEN")',
      'def task_func(n):',
      '    logging.getLogger("t").warning("n=%d", n)',
      '    warnings.warn("careful")',
      '    try:\n        1 / 0\n    except ZeroDivisionError:\n        text = traceback.format_exc()',
      '    if n < 0:\n        raise ValueError("negative")',
      '    return [Point(n, n).x, Box(n).size, Color.RED.value, "ZeroDivisionError" in text]',
    ].join('\n');
    const tests = unittest(
      '    def test_value(self):\n        self.assertEqual(task_func(2), [2, 2, 1, True])\n    def test_raises(self):\n        with self.assertRaises(ValueError):\n            task_func(-1)\n',
    );
    expect(outcomes(await run(code, [tests]))).toEqual([['pass', '2 unittest tests passed']]);
  });

  it('reports syntax errors and exceptions as crashes', async () => {
    expect(outcomes(await run('x = = 1', [stdio('', '')]))).toEqual([
      ['crash', 'syntax error in the solution: invalid syntax (line 1)'],
    ]);
    expect(outcomes(await run('print(1 // 0)', [stdio('', '')]))).toEqual([
      ['crash', 'solution raised ZeroDivisionError: integer division or modulo by zero'],
    ]);
    expect(outcomes(await run('import sys\nsys.exit(3)', [stdio('', '')]))).toEqual([
      ['crash', 'exited with status 3'],
    ]);
  });

  it('does not take a pass that the program forges on the report channel', async () => {
    const forged =
      'import os\nos.write(4, b\'{"type": "result", "status": "pass", "message": "", "nonce": "guess"}\\n\')\nos._exit(0)';
    const tests: CodeTest[] = [
      { type: 'function', code: 'def check(c):\n    assert False\n', entryPoint: 'f' },
      unittest('    def test_a(self):\n        self.fail()\n'),
    ];
    expect(outcomes(await run(forged, tests))).toEqual([
      ['fail', "the solution's process ended"],
      ['fail', 'exited (status 0) before the tests finished'],
    ]);
  });

  it('is unparsed without a complete code block and an error without tests', async () => {
    expect((await gradeCode(settings, { response: 'print(1)', tests: [stdio('', '1')] })).outcome).toBe('unparsed');
    expect((await gradeCode(settings, { response: py('print(1)'), tests: [] })).outcome).toBe('error');
  });
});

describe.runIf(bubblewrap)('code grader in the bubblewrap sandbox: limits hold', () => {
  it('kills a program that loops for ever', async () => {
    expect(outcomes(await run('while True:\n    pass', [stdio('', '')]))).toEqual([
      ['timeout', 'exceeded the 2000 ms time limit; process tree killed'],
    ]);
  });

  it('stops a program that allocates without end', async () => {
    // A generous time limit: touching 256 MiB takes a while on a loaded machine.
    const result = await run('x = []\nwhile True:\n    x.append(bytearray(10**7))', [stdio('', '')], {
      memoryMb: 256,
      timeoutMs: 10_000,
    });
    expect(outcomes(result)).toEqual([['memory', 'MemoryError in the solution']]);
  });

  it('stops a program that prints megabytes', async () => {
    expect(outcomes(await run('while True:\n    print("x" * 100000)', [stdio('', '')]))).toEqual([
      ['fail', 'printed more than the output limit; process tree killed'],
    ]);
  });

  it('goes on with the next test after each failure', async () => {
    const code =
      'cmd = input()\nif cmd == "loop":\n    while True: pass\nelif cmd == "mem":\n    x = bytearray(2**40)\nelse:\n    print("ok")';
    const result = await run(code, [stdio('loop', 'ok'), stdio('mem', 'ok'), stdio('fine', 'ok')]);
    expect(outcomes(result)).toEqual([
      ['timeout', 'exceeded the 2000 ms time limit; process tree killed'],
      ['memory', 'MemoryError in the solution'],
      ['pass', 'output matches'],
    ]);
    expect(result.reason).toBe(
      '1/3 tests passed; test 1: timeout (exceeded the 2000 ms time limit; process tree killed)',
    );
  });

  it('keeps to the total time limit and reports the tests it could not run', async () => {
    const result = await run('while True:\n    pass', [stdio('', ''), stdio('', ''), stdio('', '')], {
      timeoutMs: 1000,
      totalTimeoutMs: 1500,
    });
    expect(result.tests!.map((t) => t.outcome)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(result.tests![2]!.reason).toBe('not run: the total time limit of 1500 ms was reached');
  });

  it('stops at once when grading is cancelled, and says which tests did not run', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const result = await gradeCode(
      settings,
      { response: py('while True:\n    pass'), tests: [stdio('', ''), stdio('', '')] },
      controller.signal,
    );
    expect(outcomes(result)).toEqual([
      ['fail', 'cancelled'],
      ['fail', 'not run: grading was cancelled'],
    ]);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('stops after the first failure when asked', async () => {
    const result = await run('print(1)', [stdio('', '2'), stdio('', '1')], { stopOnFirstFailure: true });
    expect(outcomes(result)[1]).toEqual(['fail', 'not run: stopped after test 1 did not pass']);
  });

  it('keeps writes inside its scratch directory', async () => {
    const token = randomBytes(6).toString('hex');
    const targets = {
      tmp: path.join(os.tmpdir(), `z1wb-escape-${token}`),
      shm: `/dev/shm/z1wb-escape-${token}`,
      repo: path.join(process.cwd(), `z1wb-escape-${token}`),
      etc: `/etc/z1wb-escape-${token}`,
    };
    const code = [
      'import os',
      `targets = ${JSON.stringify(targets)}`,
      'seen = []',
      'for name, target in targets.items():',
      '    try:',
      '        open(target, "w").write("escaped")',
      '        seen.append(name + ":written")',
      '    except OSError as e:',
      '        seen.append(name + ":" + type(e).__name__)',
      'open("inside.txt", "w").write("fine")',
      'print(" ".join(seen), os.path.exists("inside.txt"))',
    ].join('\n');
    // /tmp and /dev/shm are the sandbox's own tmpfs; the repository is not in its root at all, and
    // the root is read-only (EROFS is a plain OSError).
    expect(
      outcomes(await run(code, [stdio('', 'tmp:written shm:written repo:FileNotFoundError etc:OSError True')])),
    ).toEqual([['pass', 'output matches']]);
    for (const target of Object.values(targets)) expect(existsSync(target), target).toBe(false);
  });

  it('limits the number of processes, also as root', async () => {
    const code = [
      'import os, time',
      'n = 0',
      'for i in range(100):',
      '    try:',
      '        pid = os.fork()',
      '    except OSError:',
      '        break',
      '    if pid == 0:',
      '        time.sleep(5)',
      '        os._exit(0)',
      '    n += 1',
      'print(n)',
    ].join('\n');
    expect(outcomes(await run(code, [stdio('', '7')], { maxProcesses: 8 }))).toEqual([['pass', 'output matches']]);
  });

  it('gives a scrubbed environment, an empty HOME, a fresh working directory and a minimal root', async () => {
    const code =
      'import os, json\nprint(json.dumps(sorted(os.environ), separators=(",", ":")), os.environ["HOME"], os.getcwd(), os.listdir("."), os.listdir(os.environ["HOME"]), sorted(os.listdir("/")))';
    const env = JSON.stringify(
      [
        'HOME',
        'LANG',
        'LC_ALL',
        'MKL_NUM_THREADS',
        'MPLBACKEND',
        'OMP_NUM_THREADS',
        'OPENBLAS_NUM_THREADS',
        'PATH',
        'PWD',
        'TMPDIR',
      ].sort(),
    );
    const root = "['bin', 'dev', 'etc', 'lib', 'lib64', 'proc', 'run', 'sandbox', 'sbin', 'tmp', 'usr', 'var']";
    expect(outcomes(await run(code, [stdio('', `${env} /sandbox/home /sandbox/work [] [] ${root}`)]))).toEqual([
      ['pass', 'output matches'],
    ]);
  });
});

describe('code grader with "sandbox": "none" (the user opted out)', () => {
  it('runs the program unisolated and records that choice in the grade', async () => {
    const code =
      'import os, tempfile\nprint(os.path.isdir("/proc/1"), os.path.isdir(os.environ["HOME"]), tempfile.gettempdir() == os.environ["TMPDIR"])';
    const result = await run(code, [stdio('', 'True True True')], { sandbox: 'none' });
    expect(outcomes(result)).toEqual([['pass', 'output matches']]);
    expect(result.sandbox).toMatchObject({
      isolation: 'none',
      network: 'not-isolated',
      pidNamespace: false,
      privateTmp: false,
    });
    expect(result.sandbox!.notes[0]).toBe(
      '"sandbox": "none" in the grader settings: the program ran with the rights of the user running the grader, with network, and saw their files',
    );
  });
});
