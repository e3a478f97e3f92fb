import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeGraderSettings, type CodeGraderSettings } from '../../../common/grading/graderSettings';
import type { CodeTest } from '../../../main/grading/code/codeTest';
import { gradeCode } from '../../../main/grading/code/gradeCode';
import { runSandboxed } from '../../../main/grading/code/runSandboxed';
import { sandboxCapabilities } from '../../../main/grading/code/sandboxCapabilities';

const capabilities = await sandboxCapabilities();
const settings = codeGraderSettings.parse({ grader: 'code', timeoutMs: 2000 });
const py = (code: string) => `Here is my solution.\n\n\`\`\`python\n${code}\n\`\`\`\n`;
const stdio = (input: string, output: string): CodeTest => ({ type: 'stdio', input, output });
const run = (code: string, tests: CodeTest[], overrides: Partial<CodeGraderSettings> = {}) =>
  gradeCode({ ...settings, ...overrides }, { response: py(code), tests });
const outcomes = (result: Awaited<ReturnType<typeof run>>) => result.tests!.map((t) => [t.outcome, t.reason]);

/** Processes whose real uid is `uid` (the sandbox's user ids are unique per run). */
function processesOf(uid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1] === String(uid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('code grader: results', () => {
  it('passes a correct stdin/stdout program and says how it was sandboxed', async () => {
    const result = await run('a, b = map(int, input().split())\nprint(a + b)', [stdio('1 2\n', '3\n'), stdio('5 5', '10')]);
    expect(result).toMatchObject({ outcome: 'correct', correct: true, reason: 'all 2 tests passed', method: 'code-fence', extracted: 'a, b = map(int, input().split())\nprint(a + b)' });
    expect(outcomes(result)).toEqual([
      ['pass', 'output matches'],
      ['pass', 'output matches'],
    ]);
    expect(result.sandbox).toEqual({
      network: capabilities.network ? 'isolated' : 'not-isolated',
      pidNamespace: capabilities.pidNamespace,
      privateTmp: capabilities.mountNamespace,
      user: capabilities.isRoot ? 'dedicated-uid' : 'same-user',
      notes: capabilities.notes,
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
      {
        type: 'unittest',
        code: 'import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(add(1, 1), 2)\n    def test_b(self):\n        self.assertEqual(add(1, 1), 3)\n',
      },
    ]);
    expect(outcomes(result)).toEqual([
      ['pass', 'passed'],
      ['fail', 'assertion failed: 1+1'],
      ['crash', 'test raised NameError: the solution defines no missing'],
      ['pass', 'passed'],
      ['fail', '1 of 2 unittest tests failed (test_b): AssertionError: 2 != 3'],
    ]);
  });

  it('reports syntax errors and exceptions as crashes', async () => {
    expect(outcomes(await run('x = = 1', [stdio('', '')]))).toEqual([['crash', 'syntax error in the solution: invalid syntax (line 1)']]);
    expect(outcomes(await run('print(1 // 0)', [stdio('', '')]))).toEqual([['crash', 'solution raised ZeroDivisionError: integer division or modulo by zero']]);
    expect(outcomes(await run('import sys\nsys.exit(3)', [stdio('', '')]))).toEqual([['crash', 'exited with status 3']]);
  });

  it('does not take a pass that the program forges on the report channel', async () => {
    const forged = 'import os\nos.write(3, b\'{"type": "result", "status": "pass", "message": "", "nonce": "guess"}\\n\')\nos._exit(0)';
    const result = await run(forged, [{ type: 'function', code: 'def check(c):\n    assert False\n', entryPoint: 'f' }]);
    expect(outcomes(result)).toEqual([['fail', 'exited (status 0) before the tests finished']]);
  });

  it('is unparsed without a complete code block and an error without tests', async () => {
    expect((await gradeCode(settings, { response: 'print(1)', tests: [stdio('', '1')] })).outcome).toBe('unparsed');
    expect((await gradeCode(settings, { response: py('print(1)'), tests: [] })).outcome).toBe('error');
  });
});

describe('code grader: the sandbox holds', () => {
  it('kills a program that loops for ever', async () => {
    expect(outcomes(await run('while True:\n    pass', [stdio('', '')]))).toEqual([['timeout', 'exceeded the 2000 ms time limit; process tree killed']]);
  });

  it('stops a program that allocates without end', async () => {
    expect(outcomes(await run('x = []\nwhile True:\n    x.append(bytearray(10**7))', [stdio('', '')], { memoryMb: 256 }))).toEqual([
      ['memory', 'MemoryError in the solution'],
    ]);
  });

  it('stops a program that prints megabytes', async () => {
    expect(outcomes(await run('while True:\n    print("x" * 100000)', [stdio('', '')]))).toEqual([
      ['fail', 'printed more than the output limit; process tree killed'],
    ]);
  });

  it('goes on with the next test after each failure', async () => {
    const code = 'cmd = input()\nif cmd == "loop":\n    while True: pass\nelif cmd == "mem":\n    x = bytearray(2**40)\nelse:\n    print("ok")';
    const result = await run(code, [stdio('loop', 'ok'), stdio('mem', 'ok'), stdio('fine', 'ok')]);
    expect(outcomes(result)).toEqual([
      ['timeout', 'exceeded the 2000 ms time limit; process tree killed'],
      ['memory', 'MemoryError in the solution'],
      ['pass', 'output matches'],
    ]);
    expect(result.reason).toBe('1/3 tests passed; test 1: timeout (exceeded the 2000 ms time limit; process tree killed)');
  });

  it('keeps to the total time limit and reports the tests it could not run', async () => {
    const result = await run('while True:\n    pass', [stdio('', ''), stdio('', ''), stdio('', '')], { timeoutMs: 1000, totalTimeoutMs: 1500 });
    expect(result.tests!.map((t) => t.outcome)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(result.tests![2]!.reason).toBe('not run: the total time limit of 1500 ms was reached');
  });

  it('stops after the first failure when asked', async () => {
    const result = await run('print(1)', [stdio('', '2'), stdio('', '1')], { stopOnFirstFailure: true });
    expect(outcomes(result)[1]).toEqual(['fail', 'not run: stopped after test 1 did not pass']);
  });

  it.runIf(capabilities.network)('has no network: a socket to the host loopback is unreachable', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const result = await run(`import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=1).sendall(b"hi")\nprint("sent")`, [stdio('', 'sent')]);
      expect(outcomes(result)).toEqual([['crash', 'solution raised OSError: [Errno 101] Network is unreachable']]);
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it.runIf(capabilities.mountNamespace && capabilities.isRoot)('keeps writes inside its directory', async () => {
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
    // /tmp and /dev/shm are private tmpfs mounts that vanish with the run; the rest is not writable.
    // A checkout that itself lives under /tmp is hidden by that private mount (FileNotFoundError).
    const repoRefusal = process.cwd().startsWith(os.tmpdir()) ? 'FileNotFoundError' : 'PermissionError';
    const expected = `tmp:written shm:written repo:${repoRefusal} etc:PermissionError True`;
    expect(outcomes(await run(code, [stdio('', expected)]))).toEqual([['pass', 'output matches']]);
    for (const target of Object.values(targets)) expect(existsSync(target), target).toBe(false);
  });

  it.runIf(capabilities.isRoot || capabilities.userNamespace)('limits the number of processes, also as root', async () => {
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

  it.runIf(capabilities.isRoot && capabilities.pidNamespace)('kills a fork bomb and leaves no process behind', async () => {
    const code = 'import os\nprint(os.getuid(), flush=True)\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass';
    const result = await runSandboxed({
      mode: 'stdio',
      solution: code,
      limits: { timeoutMs: 2000, memoryMb: 256, maxProcesses: 32, maxOutputBytes: 2 ** 20, maxFileBytes: 2 ** 20 },
      python: 'auto',
    });
    expect(result.timedOut).toBe(true);
    const uid = Number(result.stdout.trim().split('\n')[0]);
    expect(uid).toBeGreaterThanOrEqual(1_500_000_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(processesOf(uid)).toEqual([]);
  });

  it('gives a scrubbed environment and a fresh, empty working directory as HOME', async () => {
    const code = 'import os, json\nprint(json.dumps(sorted(os.environ), separators=(",", ":")), os.environ["HOME"] == os.getcwd(), os.listdir("."))';
    const expected = `${JSON.stringify(['HOME', 'LANG', 'LC_ALL', 'MKL_NUM_THREADS', 'MPLBACKEND', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'PATH', 'TMPDIR'].sort())} True []`;
    expect(outcomes(await run(code, [stdio('', expected)]))).toEqual([['pass', 'output matches']]);
  });
});
