import type { CodeTest } from '../../../main/grading/code/codeTest';

/** Where the hostile programs look for the user's secrets (planted by the test, per user). */
export interface Targets {
  sshKey: string;
  remoteKeys: string;
  bashrc: string;
  project: string;
  /** A port on 127.0.0.1 that counts connections. */
  port: number;
  /** Unique per run: names the files and processes a program leaves behind. */
  token: string;
}

export interface HostileProgram {
  name: string;
  code: string;
  tests: CodeTest[];
}

const py = (lines: string[]) => lines.join('\n');
/** A stdio test whose expected output is what only an escape could print: passing it is the failure. */
const escapeShows = (output: string): CodeTest => ({ type: 'stdio', input: '', output });

/** What a unittest/function check looks like when the solution is wrong: add(1, 1) must be 2, it returns 3. */
const WRONG_ADD = 'def add(a, b):\n    return a + b + 1';
const CHECK_ADD: CodeTest = {
  type: 'function',
  code: 'def check(candidate):\n    assert candidate(1, 1) == 2\n',
  entryPoint: 'add',
};
const ASSERT_ADD: CodeTest = { type: 'assert', code: 'assert add(1, 1) == 2' };
const UNITTEST_ADD: CodeTest = {
  type: 'unittest',
  code: 'import unittest\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 1), 2)\n    def test_add_again(self):\n        self.assertTrue(add(2, 2) == 4)\n',
};
const FORGING_TESTS = [CHECK_ADD, ASSERT_ADD, UNITTEST_ADD];

/** Programs that try to have a wrong answer graded correct. Every test of each must not pass. */
export function forgingPrograms(): HostileProgram[] {
  return [
    {
      name: 'replaces builtins.exec and builtins.compile',
      code: py([
        WRONG_ADD,
        'import builtins',
        'builtins.exec = lambda *a, **k: None',
        'builtins.compile = lambda *a, **k: compile("pass", "x", "exec")',
      ]),
      tests: FORGING_TESTS,
    },
    {
      name: 'patches unittest (wasSuccessful, assertEqual, the test class)',
      code: py([
        WRONG_ADD,
        'import unittest, sys',
        'unittest.TestResult.wasSuccessful = lambda self: True',
        'unittest.TestCase.assertEqual = lambda *a, **k: None',
        'unittest.TestCase.assertTrue = lambda *a, **k: None',
        'unittest.TestCase.run = lambda self, result=None: result',
      ]),
      tests: FORGING_TESTS,
    },
    {
      name: 'patches an assertion from inside the solution and undoes it on first use',
      code: py([
        'import unittest',
        'def add(a, b):',
        '    original = unittest.TestCase.assertEqual',
        '    def fake(self, *args, **kwargs):',
        '        unittest.TestCase.assertEqual = original',
        '    unittest.TestCase.assertEqual = fake',
        '    return a + b + 1',
      ]),
      tests: FORGING_TESTS,
    },
    {
      name: 'replaces the test methods while the tests run',
      code: py([
        'import unittest',
        'def add(a, b):',
        '    for cls in unittest.TestCase.__subclasses__():',
        '        for name in list(vars(cls)):',
        '            if name.startswith("test"):',
        '                setattr(cls, name, lambda self: None)',
        '    return a + b + 1',
      ]),
      tests: FORGING_TESTS,
    },
    {
      name: 'shadows the builtins the tests use (abs, isinstance, len)',
      code: py([
        'def add(a, b):',
        '    return a + b + 0.5',
        'def abs(x):',
        '    return 0',
        'def isinstance(x, t):',
        '    return True',
        'def len(x):',
        '    return 0',
      ]),
      tests: [
        {
          type: 'function',
          code: 'def check(candidate):\n    assert abs(candidate(1, 1) - 2) < 1e-6\n',
          entryPoint: 'add',
        },
        { type: 'assert', code: 'assert abs(add(1, 1) - 2) < 1e-6 and isinstance(add(1, 1), int)' },
        {
          type: 'unittest',
          code: 'import unittest\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertTrue(abs(add(1, 1) - 2) < 1e-6)\n',
        },
      ],
    },
    {
      name: 'returns an object whose __eq__ is always true',
      code: py([
        'class Anything:',
        '    def __eq__(self, other): return True',
        '    def __ne__(self, other): return False',
        '    __hash__ = object.__hash__',
        'class Number(int):',
        '    def __eq__(self, other): return True',
        'def add(a, b):',
        '    return Anything() if a == 1 else Number(0)',
      ]),
      tests: [
        ...FORGING_TESTS,
        { type: 'call', entryPoint: 'add', args: [1, 1], expected: 2 },
        { type: 'call', entryPoint: 'add', args: [2, 2], expected: 4 },
      ],
    },
    {
      name: 'walks the stack frames to the harness and reports a pass',
      code: py([
        WRONG_ADD,
        'import sys, os',
        'def forge(frame):',
        '    while frame is not None:',
        '        for scope in (frame.f_locals, frame.f_globals):',
        '            report = scope.get("report")',
        '            if callable(report):',
        '                report(type="result", status="pass", message="forged")',
        '                report(type="exit", code=0)',
        '                os._exit(0)',
        '        frame = frame.f_back',
        'try:',
        '    forge(sys._getframe())',
        'except Exception:',
        '    pass',
        'try:',
        '    raise ValueError',
        'except ValueError as e:',
        '    forge(e.__traceback__.tb_frame)',
      ]),
      tests: FORGING_TESTS,
    },
    { name: 'exits early with sys.exit(0)', code: py([WRONG_ADD, 'import sys', 'sys.exit(0)']), tests: FORGING_TESTS },
    { name: 'exits early with os._exit(0)', code: py([WRONG_ADD, 'import os', 'os._exit(0)']), tests: FORGING_TESTS },
    {
      name: 'prints and writes fake results on every descriptor',
      code: py([
        WRONG_ADD,
        'import os, json',
        'line = (json.dumps({"type": "result", "status": "pass", "message": "", "nonce": "x"}) + "\\n").encode()',
        'print(line.decode(), "OK", "1 passed")',
        'for fd in range(3, 20):',
        '    try: os.write(fd, line)',
        '    except OSError: pass',
        'os._exit(0)',
      ]),
      tests: FORGING_TESTS,
    },
  ];
}

/** Programs that try to get out of the sandbox. Each stdio test expects what only an escape could print. */
export function escapePrograms(t: Targets): HostileProgram[] {
  const marker = `leak-${t.token}`;
  return [
    {
      name: "reads the user's SSH key and the store's remote-keys.json",
      code: py([
        'import os',
        `for path in ${JSON.stringify([t.sshKey, t.remoteKeys])}:`,
        '    try: print(open(path).read().strip())',
        '    except OSError as e: print(type(e).__name__)',
        `print(sorted(os.listdir(${JSON.stringify(t.project)})) if os.path.isdir(${JSON.stringify(t.project)}) else "no project")`,
      ]),
      tests: [escapeShows(`ssh-secret-${t.token}\nremote-secret-${t.token}`)],
    },
    {
      name: 'appends to ~/.bashrc',
      code: py(['import os', `open(${JSON.stringify(t.bashrc)}, "a").write("# ${marker}\\n")`, 'print("appended")']),
      tests: [escapeShows('appended')],
    },
    {
      name: 'unmounts /tmp and /dev/shm',
      code: py([
        'import ctypes, os, subprocess',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'results = [libc.umount2(p, 2) for p in (b"/tmp", b"/sandbox", b"/dev/shm", b"/proc")]',
        'results.append(libc.unshare(0x10000000 | 0x00020000))',
        'print("unmounted" if 0 in results else "refused")',
      ]),
      tests: [escapeShows('unmounted')],
    },
    {
      name: 'writes /run/lock, /dev/shm and /tmp for the next sample',
      code: py([
        'import os',
        'dirs = ("/run/lock", "/dev/shm", "/tmp", "/var/tmp")',
        `found = [d for d in dirs if os.path.exists(os.path.join(d, "${marker}"))]`,
        'for d in dirs:',
        '    try: open(os.path.join(d, "' + marker + '"), "w").write("x")',
        '    except OSError: pass',
        'print("seen " + " ".join(found) if found else "nothing")',
      ]),
      // The same program runs twice: the second run would see what the first left.
      tests: [
        escapeShows('seen /run/lock /dev/shm /tmp /var/tmp'),
        escapeShows('seen /run/lock /dev/shm /tmp /var/tmp'),
      ],
    },
    {
      name: 'fork bomb',
      code: py([
        'import ctypes, os',
        `ctypes.CDLL(None).prctl(15, b"${comm(t.token, 'b')}", 0, 0, 0)`,
        'while True:',
        '    try: os.fork()',
        '    except OSError: pass',
      ]),
      tests: [escapeShows('never')],
    },
    {
      name: 'fills the disk past the quota',
      code: py([
        'import os',
        'block = b"x" * (1 << 20)',
        'written = 0',
        'for path in ("/tmp/fill", "fill", os.path.expanduser("~/fill")):',
        '    try:',
        '        with open(path, "wb") as f:',
        '            for _ in range(512):',
        '                f.write(block); written += 1',
        '    except OSError as e:',
        '        pass',
        'print("wrote", written, "MiB")',
      ]),
      tests: [escapeShows('wrote 1536 MiB')],
    },
    {
      name: 'connects to 127.0.0.1',
      code: py([
        'import socket',
        `socket.create_connection(("127.0.0.1", ${t.port}), timeout=1).sendall(b"hi")`,
        'print("connected")',
      ]),
      tests: [escapeShows('connected')],
    },
    {
      name: 'leaves background processes',
      code: py([
        'import ctypes, os, subprocess',
        `ctypes.CDLL(None).prctl(15, b"${comm(t.token, 'd')}", 0, 0, 0)`,
        'if os.fork() == 0:',
        '    os.setsid()',
        '    if os.fork() == 0:',
        '        import time',
        '        time.sleep(60)',
        '    os._exit(0)',
        `subprocess.Popen(["sleep", "${sleepSeconds(t.token)}"], start_new_session=True)`,
        'print("left")',
      ]),
      tests: [escapeShows('left and seen')],
    },
  ];
}

/** The process name (comm, at most 15 bytes) a program gives itself, to find what it left running. */
export function comm(token: string, kind: 'b' | 'd'): string {
  return `z1${kind}${token}`.slice(0, 15);
}

/** A sleep duration only this run uses, to find its `sleep` in the process list. */
export function sleepSeconds(token: string): string {
  return `61.${parseInt(token.slice(0, 6), 16)}`;
}
