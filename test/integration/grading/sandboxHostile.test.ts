import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCapabilities } from '../../../main/grading/code/sandboxCapabilities';
import { defaultStoreDir } from '../../../main/store/storeDir';
import { gradeHostilePrograms, type HostileGrade } from './sandboxHostileRunner';
import { comm, sleepSeconds, type Targets } from './sandboxHostilePrograms';

const capabilities = await sandboxCapabilities();
const isRoot = process.getuid?.() === 0;
/** CI runs as root; desktop users do not: this user is who the sandbox must hold for. */
const USER = 'z1wb-sandbox-test';

function ensureUser(): { uid: number; home: string } {
  if (spawnSync('id', ['-u', USER]).status !== 0)
    execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', USER]);
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  const home = execFileSync('getent', ['passwd', USER], { encoding: 'utf8' }).split(':')[5]!;
  return { uid, home };
}

interface Planted {
  targets: Targets;
  cleanup: () => void;
  secrets: string[];
}

/** Plants an SSH key, the store's remote-keys.json and a .bashrc in a user's home, without touching real ones. */
function plant(home: string, owner: number, token: string, port: number): Planted {
  const created: string[] = [];
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { mode: 0o600 });
    chownSync(file, owner, owner);
    created.push(file);
  };
  const ssh = path.join(home, '.ssh');
  const sshKey = path.join(ssh, existsSync(path.join(ssh, 'id_rsa')) ? `id_rsa_z1wb_${token}` : 'id_rsa');
  write(sshKey, `ssh-secret-${token}\n`);
  const store = defaultStoreDir({ HOME: home }, 'linux').replace(os.homedir(), home);
  const remoteKeys = path.join(
    store,
    existsSync(path.join(store, 'remote-keys.json')) ? `remote-keys-${token}.json` : 'remote-keys.json',
  );
  write(remoteKeys, `remote-secret-${token}\n`);
  for (const dir of [ssh, path.join(home, '.local'), path.join(home, '.local/share'), store])
    chownSync(dir, owner, owner);
  const bashrc = path.join(home, '.bashrc');
  if (!existsSync(bashrc)) write(bashrc, '# planted by the sandbox test\n');
  return {
    targets: { sshKey, remoteKeys, bashrc, project: process.cwd(), port, token },
    secrets: [`ssh-secret-${token}`, `remote-secret-${token}`],
    cleanup: () => created.forEach((file) => rmSync(file, { force: true })),
  };
}

/** Processes a hostile program left: by the process name it gave itself, or its unique sleep. */
function leftovers(token: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (name === comm(token, 'b') || name === comm(token, 'd') || cmdline.includes(sleepSeconds(token)))
        found.push(`${pid} ${name} ${cmdline}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/**
 * What each forgery gets, per test (function, assert, unittest, then the call tests): the wrong
 * answer is graded wrong, and the reason names the defence that held.
 */
const FORGED: Record<string, Array<[string, string]>> = {
  'replaces builtins.exec and builtins.compile': [
    ['fail', 'assertion failed'],
    ['fail', 'assertion failed'],
    ['fail', 'the solution replaced builtins.compile, which the tests use'],
  ],
  'patches unittest (wasSuccessful, assertEqual, the test class)': [
    ['fail', 'assertion failed'],
    ['fail', 'assertion failed'],
    ['fail', 'the solution replaced TestCase.run, which the tests use'],
  ],
  'patches an assertion from inside the solution and undoes it on first use': [
    ['fail', 'assertion failed'],
    ['fail', 'assertion failed'],
    ['fail', 'the solution replaced TestCase.assertEqual, which the tests use'],
  ],
  'replaces the test methods while the tests run': [
    ['fail', 'assertion failed'],
    ['fail', 'assertion failed'],
    ['fail', 'the solution replaced T.test_add, which the tests use'],
  ],
  'shadows the builtins the tests use (abs, isinstance, len)': [
    ['fail', 'assertion failed'],
    ['fail', 'assertion failed'],
    ['fail', '1 of 1 unittest tests failed (test_add): AssertionError: False is not true'],
  ],
  'returns an object whose __eq__ is always true': [
    [
      'fail',
      'add returned a value of type solution.Anything, not a plain value (None, bool, int, float, str, bytes, list, tuple, dict, set)',
    ],
    [
      'fail',
      'add returned a value of type solution.Anything, not a plain value (None, bool, int, float, str, bytes, list, tuple, dict, set)',
    ],
    [
      'fail',
      "2 of 2 unittest tests failed (test_add, test_add_again): UntrustedValue: add returned an instance of solution.Anything, a class the solution made: comparing it would run the solution's code",
    ],
    [
      'fail',
      'add returned a value of type solution.Anything, not a plain value (None, bool, int, float, str, bytes, list, tuple, dict, set)',
    ],
    [
      'fail',
      'add returned a value of type solution.Number, not a plain value (None, bool, int, float, str, bytes, list, tuple, dict, set)',
    ],
  ],
  'walks the stack frames to the harness and reports a pass': [
    ['fail', "the solution's process ended"],
    ['fail', "the solution's process ended"],
    ['crash', 'solution raised AttributeError: tb_frame is not available to the solution'],
  ],
  'exits early with sys.exit(0)': [
    ['fail', 'exited (status 0) during the solution, before the tests finished'],
    ['fail', 'exited (status 0) during the solution, before the tests finished'],
    ['fail', 'exited (status 0) during the solution, before the tests finished'],
  ],
  'exits early with os._exit(0)': [
    ['fail', "the solution's process ended"],
    ['fail', "the solution's process ended"],
    ['fail', 'exited (status 0) before the tests finished'],
  ],
  'prints and writes fake results on every descriptor': [
    ['crash', 'test raised NameError: the solution defines no add'],
    ['crash', "test raised NameError: name 'add' is not defined"],
    ['fail', 'exited (status 0) before the tests finished'],
  ],
};

let connections = 0;
const server = net.createServer((socket) => {
  connections++;
  socket.destroy();
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => server.close());

/** The checks every run must pass, as root or not: nothing graded correct, nothing escaped, nothing left. */
async function expectContained(grades: HostileGrade[], planted: Planted, bashrcBefore: string) {
  const token = planted.targets.token;
  for (const grade of grades) {
    expect(grade.isolation, grade.name).toBe('bubblewrap');
    expect(grade.outcome, `${grade.name}: ${JSON.stringify(grade.tests)}`).not.toBe('correct');
    for (const [outcome, reason] of grade.tests) expect(outcome, `${grade.name}: ${reason}`).not.toBe('pass');
  }
  const byName = new Map(grades.map((g) => [g.name, g.tests]));
  for (const [name, tests] of Object.entries(FORGED)) expect(byName.get(name), name).toEqual(tests);
  expect(byName.get("reads the user's SSH key and the store's remote-keys.json")).toEqual([
    ['fail', `wrong output: line 1: expected "ssh-secret-${token}", got "FileNotFoundError"`],
  ]);
  expect(byName.get('appends to ~/.bashrc')![0]![1]).toMatch(
    /^solution raised (FileNotFoundError|PermissionError|OSError): /,
  );
  expect(byName.get('unmounts /tmp and /dev/shm')).toEqual([
    ['fail', 'wrong output: line 1: expected "unmounted", got "refused"'],
  ]);
  // The second sample saw nothing of what the first wrote in the shared-looking places.
  expect(byName.get('writes /run/lock, /dev/shm and /tmp for the next sample')).toEqual([
    ['fail', 'wrong output: line 1: expected "seen /run/lock /dev/shm /tmp /var/tmp", got "nothing"'],
    ['fail', 'wrong output: line 1: expected "seen /run/lock /dev/shm /tmp /var/tmp", got "nothing"'],
  ]);
  expect(byName.get('fork bomb')).toEqual([['timeout', 'exceeded the 3000 ms time limit; process tree killed']]);
  const filled = /got "wrote (\d+) MiB"/.exec(byName.get('fills the disk past the quota')![0]![1])?.[1];
  expect(Number(filled)).toBeLessThanOrEqual(64);
  // bwrap's network namespace has its own loopback: nothing listens there, and the host's is out of reach.
  expect(byName.get('connects to 127.0.0.1')).toEqual([
    ['crash', 'solution raised ConnectionRefusedError: [Errno 111] Connection refused'],
  ]);
  expect(byName.get('leaves background processes')).toEqual([
    ['fail', 'wrong output: line 1: expected "left and seen", got "left"'],
  ]);

  expect(connections).toBe(0);
  for (const file of [planted.targets.sshKey, planted.targets.remoteKeys])
    expect(readFileSync(file, 'utf8')).toMatch(/^(ssh|remote)-secret-/);
  expect(readFileSync(planted.targets.bashrc, 'utf8')).toBe(bashrcBefore);
  for (const dir of ['/run/lock', '/dev/shm', '/tmp', '/var/tmp', planted.targets.project])
    expect(existsSync(path.join(dir, `leak-${token}`)), dir).toBe(false);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(leftovers(token)).toEqual([]);
}

describe.runIf(capabilities.kind === 'bubblewrap' && isRoot)('hostile programs in the bubblewrap sandbox', () => {
  it(
    'as root (uid 0, as CI runs): forged verdicts fail, nothing escapes, nothing is left behind',
    { timeout: 240_000 },
    async () => {
      const token = randomBytes(4).toString('hex');
      const planted = plant(os.homedir(), 0, token, port);
      const bashrcBefore = readFileSync(planted.targets.bashrc, 'utf8');
      try {
        const grades = await gradeHostilePrograms(planted.targets);
        expect(grades.every((g) => g.uid === 0)).toBe(true);
        await expectContained(grades, planted, bashrcBefore);
      } finally {
        planted.cleanup();
      }
    },
  );

  it(
    `as the unprivileged user ${USER} (runuser, as a desktop user runs it): forged verdicts fail, nothing escapes, nothing is left behind`,
    { timeout: 240_000 },
    async () => {
      const { uid, home } = ensureUser();
      const token = randomBytes(4).toString('hex');
      const planted = plant(home, uid, token, port);
      const bashrcBefore = readFileSync(planted.targets.bashrc, 'utf8');
      try {
        const run = spawnSync(
          'runuser',
          [
            '-u',
            USER,
            '--',
            process.execPath,
            '--import',
            'tsx',
            'test/integration/grading/sandboxHostileRunner.ts',
            JSON.stringify(planted.targets),
          ],
          {
            cwd: process.cwd(),
            encoding: 'utf8',
            env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' },
            timeout: 230_000,
          },
        );
        expect(run.status, run.stderr).toBe(0);
        const grades = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as HostileGrade[];
        expect(grades.every((g) => g.uid === uid)).toBe(true);
        await expectContained(grades, planted, bashrcBefore);
      } finally {
        planted.cleanup();
      }
    },
  );
});

describe.runIf(capabilities.kind === 'bubblewrap' && !isRoot)(
  'hostile programs in the bubblewrap sandbox (this user cannot create the test user)',
  () => {
    it(
      'as the current non-root user: forged verdicts fail, nothing escapes, nothing is left behind',
      { timeout: 240_000 },
      async () => {
        const token = randomBytes(4).toString('hex');
        const planted = plant(os.homedir(), process.getuid!(), token, port);
        const bashrcBefore = readFileSync(planted.targets.bashrc, 'utf8');
        try {
          await expectContained(await gradeHostilePrograms(planted.targets), planted, bashrcBefore);
        } finally {
          planted.cleanup();
        }
      },
    );
  },
);
