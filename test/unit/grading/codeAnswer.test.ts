import { describe, expect, it } from 'vitest';
import { codeTest } from '../../../main/grading/code/codeTest';
import { firstDifference, outputsMatch } from '../../../main/grading/code/compareOutput';
import { extractCode } from '../../../main/grading/code/extractCode';
import { decodePlainValue, plainValueEquals, showPlainValue } from '../../../main/grading/code/harness/plainValue';
import { probeSandbox, type SandboxProbeEnvironment } from '../../../main/grading/code/sandboxCapabilities';
import { bwrapArgs, sandboxCommand } from '../../../main/grading/code/sandboxCommand';
import { sandboxExecProfile } from '../../../main/grading/code/sandboxExecProfile';

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
    expect(codeTest.safeParse({ type: 'function', code: 'def check(c): pass', entryPoint: 'not a name' }).success).toBe(
      false,
    );
  });
});

describe('call test schema', () => {
  it('reads a call test and requires an expected value', () => {
    expect(
      codeTest.parse({ type: 'call', entryPoint: 'Solution.twoSum', args: [[2, 7], 9], expected: [0, 1] }),
    ).toEqual({
      type: 'call',
      entryPoint: 'Solution.twoSum',
      args: [[2, 7], 9],
      expected: [0, 1],
    });
    const missing = codeTest.safeParse({ type: 'call', entryPoint: 'f', args: [] });
    expect(missing.success).toBe(false);
    expect(missing.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['expected', 'expected is required'],
    ]);
    expect(codeTest.safeParse({ type: 'call', entryPoint: 'a.b.c', expected: 1 }).success).toBe(false);
  });
});

describe('plain values from the solution, compared by the grader', () => {
  it('decodes every tag and refuses anything else', () => {
    expect(decodePlainValue({ $tuple: [1, { $int: '18446744073709551616' }, { $float: '-inf' }] })).toEqual({
      kind: 'tuple',
      items: [
        { kind: 'number', value: 1 },
        { kind: 'number', value: 18446744073709551616n },
        { kind: 'number', value: -Infinity },
      ],
    });
    expect(decodePlainValue({ $dict: [['a', null]] })).toEqual({ kind: 'dict', entries: [['a', null]] });
    expect(() => decodePlainValue({ a: 1 })).toThrow('not a plain-value encoding: {"a":1}');
    expect(() => decodePlainValue({ $int: '1.5' })).toThrow('not a plain-value encoding: {"$int":"1.5"}');
  });

  it('compares as LiveCodeBench does: numbers by value, tuples as lists, no bools for numbers', () => {
    const value = (data: unknown) => decodePlainValue(data);
    expect(plainValueEquals(value([1, 2.0]), [1, 2])).toBe(true);
    expect(plainValueEquals(value({ $tuple: [1, 'a'] }), [1, 'a'])).toBe(true);
    expect(plainValueEquals(value({ $dict: [['k', [1]]] }), { k: [1] })).toBe(true);
    expect(plainValueEquals(value({ $dict: [[1, 2]] }), { 1: 2 })).toBe(false);
    expect(plainValueEquals(value(true), 1)).toBe(false);
    expect(plainValueEquals(value({ $set: [1] }), [1])).toBe(false);
    expect(plainValueEquals(value({ $int: '9007199254740993' }), 9007199254740992)).toBe(false);
    expect(plainValueEquals(value({ $int: '9007199254740992' }), 9007199254740992)).toBe(true);
  });

  it('shows values as Python writes them', () => {
    expect(showPlainValue(decodePlainValue({ $tuple: [1, [true, null], { $dict: [['a', { $set: [2] }]] }] }))).toBe(
      '(1, [True, None], {"a": set({2})})',
    );
    expect(showPlainValue(decodePlainValue({ $tuple: ['x'] }))).toBe('("x",)');
  });
});

describe('bubblewrap command line', () => {
  const args = bwrapArgs({
    python: '/usr/bin/python3',
    pythonPrefix: null,
    scratchBytes: 64 * 2 ** 20,
    source: 'pass',
  });

  it('makes every namespace, drops every capability and forbids new user namespaces', () => {
    for (const flag of ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session'])
      expect(args).toContain(flag);
    expect(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2)).toEqual(['--cap-drop', 'ALL']);
    expect(args.slice(-4)).toEqual(['/usr/bin/python3', '-I', '-c', 'pass']);
  });

  it('binds only /usr, the loader cache and the time zone from the host, read-only', () => {
    const binds = args.flatMap((arg, i) => (/^--(ro-)?bind(-try)?$/.test(arg) ? [[arg, args[i + 1]]] : []));
    expect(binds).toEqual([
      ['--ro-bind', '/usr'],
      ['--ro-bind-try', '/etc/ld.so.cache'],
      ['--ro-bind-try', '/etc/localtime'],
    ]);
  });

  it('gives the program one size-limited scratch tmpfs and private /dev/shm and /run/lock, the rest read-only', () => {
    const tmpfs = args.flatMap((arg, i) => (arg === '--tmpfs' ? [[args[i - 1], args[i + 1]]] : []));
    expect(tmpfs).toEqual([
      [String(64 * 2 ** 20), '/sandbox'],
      [String(2 ** 20), '/dev/shm'],
      [String(2 ** 20), '/run/lock'],
    ]);
    expect(args.join(' ')).toContain('--symlink /sandbox/tmp /tmp --dir /var --symlink /sandbox/tmp /var/tmp');
    expect(args.join(' ')).toContain('--remount-ro /dev --remount-ro / --chdir /sandbox/work');
  });

  it('as root, leaves root through setpriv to a user id of its own before bwrap', () => {
    const command = sandboxCommand({
      kind: 'bubblewrap',
      launcher: '/usr/bin/bwrap',
      python: '/usr/bin/python3',
      pythonPrefix: null,
      scratchBytes: 1,
      hostWork: null,
      uid: 1_500_000_001,
      setpriv: '/usr/bin/setpriv',
      source: 'pass',
    });
    expect([command.command, ...command.args.slice(0, 6)]).toEqual([
      '/usr/bin/setpriv',
      '--reuid=1500000001',
      '--regid=1500000001',
      '--clear-groups',
      '--no-new-privs',
      '/usr/bin/bwrap',
      '--unshare-all',
    ]);
    expect([command.work, command.home, command.tmp]).toEqual(['/sandbox/work', '/sandbox/home', '/tmp']);
  });
});

describe('macOS sandbox-exec profile (text only: not run here, CI is Linux)', () => {
  it('denies by default, denies the network, and writes only in the working directory', () => {
    const profile = sandboxExecProfile({ work: '/private/var/folders/x/z1wb-sandbox-1', pythonPrefix: null });
    const lines = profile.split('\n');
    expect(lines.slice(0, 3)).toEqual(['(version 1)', '(deny default)', '(allow process-fork)']);
    expect(lines).toContain('(deny network*)');
    expect(lines).toContain(
      '(allow file-write* (subpath "/private/var/folders/x/z1wb-sandbox-1") (literal "/dev/null"))',
    );
    expect(profile).not.toContain('/Users');
    expect(profile).not.toMatch(/\(allow network/);
  });
});

describe('which sandbox a machine offers (other platforms simulated)', () => {
  const environment = (overrides: Partial<SandboxProbeEnvironment>): SandboxProbeEnvironment => ({
    platform: 'linux',
    isRoot: false,
    find: (name) => `/usr/bin/${name}`,
    exists: () => true,
    tryRun: async () => ({ ok: true, stderr: '' }),
    ...overrides,
  });

  it('uses bubblewrap on Linux, through setpriv as root', async () => {
    expect(await probeSandbox(environment({}))).toEqual({
      isRoot: false,
      kind: 'bubblewrap',
      launcher: '/usr/bin/bwrap',
      setpriv: null,
      missing: null,
    });
    expect((await probeSandbox(environment({ isRoot: true }))).setpriv).toBe('/usr/bin/setpriv');
  });

  it('refuses with what to install on Windows, on Linux without bwrap, and where bwrap cannot make namespaces', async () => {
    const windows = await probeSandbox(environment({ platform: 'win32' }));
    expect(windows.kind).toBeNull();
    expect(windows.missing).toBe(
      'code tests need a sandbox and none is supported on win32: run the workbench under WSL 2 or Linux with bubblewrap installed, or set "sandbox": "none" in the code grader settings to run tests without isolation (recorded with every grade)',
    );
    const noBwrap = await probeSandbox(environment({ find: () => null }));
    expect(noBwrap.missing).toMatch(
      /^code tests need a sandbox: install bubblewrap \(Debian\/Ubuntu: sudo apt install bubblewrap;/,
    );
    const noUserns = await probeSandbox(
      environment({ tryRun: async () => ({ ok: false, stderr: 'bwrap: No permissions to creating new namespace' }) }),
    );
    expect(noUserns.missing).toMatch(
      /^bubblewrap is installed but could not make a sandbox here \(bwrap: No permissions to creating new namespace\): unprivileged user namespaces must be allowed/,
    );
  });

  it('uses sandbox-exec on macOS', async () => {
    expect(await probeSandbox(environment({ platform: 'darwin' }))).toEqual({
      isRoot: false,
      kind: 'sandbox-exec',
      launcher: '/usr/bin/sandbox-exec',
      setpriv: null,
      missing: null,
    });
  });
});
