import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SandboxReport } from '../gradeResult';
import { harnessSource, type HarnessRole } from './harness/harnessSource';
import { sandboxCapabilities, type SandboxCapabilities } from './sandboxCapabilities';
import { sandboxCommand, type SandboxKind } from './sandboxCommand';
import { startHarnessProcess, type HarnessProcess, type HarnessReport } from './sandboxProcess';

export type SandboxMode = 'stdio' | 'call' | 'function' | 'assert' | 'unittest';
/** `auto`: the OS's sandbox, refusing to run where there is none; `none`: the user opted out. */
export type SandboxSetting = 'auto' | 'none';

export interface SandboxLimits {
  timeoutMs: number;
  memoryMb: number;
  maxProcesses: number;
  maxOutputBytes: number;
  maxFileBytes: number;
}

export interface SandboxJob {
  mode: SandboxMode;
  solution: string;
  /** Test code (function, assert, unittest modes). */
  test?: string;
  entryPoint?: string;
  /** Arguments of a call test (plain JSON). */
  args?: unknown[];
  /** Standard input (stdio mode). */
  stdin?: string;
  limits: SandboxLimits;
  /** "auto" or a path / command name. */
  python: string;
  sandbox: SandboxSetting;
  signal?: AbortSignal;
}

export interface SandboxRun {
  /** The candidate's standard output and the tail of its standard error. */
  stdout: string;
  stderrTail: string;
  timedOut: boolean;
  outputExceeded: boolean;
  aborted: boolean;
  /** The verdict from the process that decides it (null when it never reported). */
  result: HarnessReport['result'];
  /** How that process's program ended. */
  exit: HarnessReport['exit'];
  started: boolean;
  durationMs: number;
  report: SandboxReport;
}

/** Unassigned user ids, one per run as root, so that RLIMIT_NPROC counts only that run's processes. */
const SANDBOX_UID_BASE = 1_500_000_000;
const SANDBOX_UID_SPAN = 100_000_000;
/** The scratch tmpfs (working directory, /tmp, HOME) holds at least this much, and twice the largest file. */
const MIN_SCRATCH_BYTES = 64 * 2 ** 20;
/** Processes of the sandbox besides the program: bwrap's PID 1 and the harness's waiting parent. */
const SANDBOX_OWN_PROCESSES = 2;

export function resolvePython(setting: string): string {
  if (setting !== 'auto') return setting;
  // /usr/bin/python3 first: the sandbox shows /usr, and an interpreter under a home directory
  // (pyenv) would need that directory exposed.
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'python3');
    if (dir && existsSync(candidate)) return candidate;
  }
  return 'python3';
}

/** The installation directory to expose read-only when the interpreter lives outside /usr. */
function pythonPrefix(python: string): string | null {
  let real: string;
  try {
    real = realpathSync(python);
  } catch {
    return null;
  }
  if (real.startsWith('/usr/')) return null;
  return path.dirname(path.dirname(real));
}

export type SandboxChoice = { kind: SandboxKind; capabilities: SandboxCapabilities } | { refused: string };

/** The isolation a job will get, or why code tests are refused here. */
export async function chooseSandbox(setting: SandboxSetting): Promise<SandboxChoice> {
  const capabilities = await sandboxCapabilities();
  if (setting === 'none') return { kind: 'none', capabilities };
  if (capabilities.kind === null) return { refused: capabilities.missing ?? 'no supported sandbox' };
  return { kind: capabilities.kind, capabilities };
}

function sandboxReport(kind: SandboxKind, uid: number | null, processLimit: boolean): SandboxReport {
  const user = uid !== null ? 'dedicated-uid' : 'same-user';
  if (kind === 'bubblewrap')
    return { isolation: kind, network: 'isolated', pidNamespace: true, privateTmp: true, user, notes: [] };
  const notes =
    kind === 'sandbox-exec'
      ? [
          'macOS sandbox-exec: no PID namespace (a process that leaves the process group survives the test), no disk quota (RLIMIT_FSIZE bounds each file)',
        ]
      : [
          '"sandbox": "none" in the grader settings: the program ran with the rights of the user running the grader, with network, and saw their files',
        ];
  if (!processLimit) notes.push('process count not limited (not root and no user namespace)');
  return {
    isolation: kind,
    network: kind === 'sandbox-exec' ? 'isolated' : 'not-isolated',
    pidNamespace: false,
    privateTmp: false,
    user,
    notes,
  };
}

interface Launch {
  role: HarnessRole;
  config: Record<string, unknown>;
  stdin: string;
  relay: boolean;
}

/**
 * Runs one test of untrusted Python in the OS sandbox (see sandboxCommand.ts). Tests that compare
 * values (stdio, call) run the program alone and the grader compares what it produced; function and
 * assert tests run the program and the test code in two sandboxes that exchange plain values
 * through this process; unittest tests run in one hardened process.
 */
export async function runSandboxed(job: SandboxJob): Promise<SandboxRun> {
  const choice = await chooseSandbox(job.sandbox);
  if ('refused' in choice) throw new Error(choice.refused);
  const { kind, capabilities } = choice;
  const python = resolvePython(job.python);
  const prefix = pythonPrefix(python);
  const started = performance.now();
  const uid =
    capabilities.isRoot && (kind === 'bubblewrap' || capabilities.setpriv)
      ? SANDBOX_UID_BASE + randomInt(SANDBOX_UID_SPAN)
      : null;
  // A user namespace (bubblewrap) or a user id of its own makes RLIMIT_NPROC count only this test.
  const processLimit = kind === 'bubblewrap' || uid !== null;
  const hostDirs: string[] = [];
  const base = {
    memoryBytes: job.limits.memoryMb * 2 ** 20,
    fileBytes: job.limits.maxFileBytes,
    cpuSeconds: Math.ceil(job.limits.timeoutMs / 1000) + 1,
    // bwrap and setpriv set no_new_privs already; only an unwrapped program needs the harness to.
    setNoNewPrivs: kind === 'none' && uid === null,
    maxProcesses: processLimit
      ? job.limits.maxProcesses + (kind === 'bubblewrap' ? SANDBOX_OWN_PROCESSES : SANDBOX_OWN_PROCESSES - 1)
      : null,
  };
  const launches: Launch[] =
    job.mode === 'function' || job.mode === 'assert'
      ? [
          { role: 'program', config: { ...base, mode: 'solution', solution: job.solution }, stdin: '', relay: true },
          {
            role: 'tests',
            config: { ...base, mode: job.mode, test: job.test ?? '', entryPoint: job.entryPoint ?? '' },
            stdin: '',
            relay: true,
          },
        ]
      : [
          {
            role: job.mode === 'unittest' ? 'unittest' : 'program',
            config: {
              ...base,
              mode: job.mode,
              solution: job.solution,
              test: job.test ?? '',
              entryPoint: job.entryPoint ?? '',
              args: job.args ?? [],
            },
            stdin: job.stdin ?? '',
            relay: false,
          },
        ];
  let timedOut = false;
  let aborted = false;
  let outputExceeded = false;
  const processes: HarnessProcess[] = [];
  const killAll = () => processes.forEach((p) => p.kill());
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    aborted = true;
    killAll();
  };
  try {
    for (const launch of launches) {
      let hostWork: string | null = null;
      if (kind !== 'bubblewrap') {
        const root = await mkdtemp(path.join(os.tmpdir(), 'z1wb-sandbox-'));
        hostDirs.push(root);
        await chmod(root, 0o700);
        if (uid !== null) await chown(root, uid, uid);
        hostWork = root;
      }
      const command = sandboxCommand({
        kind,
        launcher: capabilities.launcher ?? '',
        python,
        pythonPrefix: prefix,
        scratchBytes: Math.max(MIN_SCRATCH_BYTES, 2 * job.limits.maxFileBytes),
        hostWork,
        uid,
        setpriv: capabilities.setpriv,
        source: harnessSource(launch.role),
      });
      if (hostWork !== null) {
        // HOME and TMPDIR inside the test's own directory (bwrap has them in its scratch tmpfs).
        for (const dir of [command.home, command.tmp]) {
          await mkdir(dir, { mode: 0o700 });
          if (uid !== null) await chown(dir, uid, uid);
        }
      }
      const nonce = randomBytes(16).toString('hex');
      processes.push(
        startHarnessProcess({
          command,
          config: { ...launch.config, nonce, work: command.work },
          env: {
            PATH: '/usr/local/bin:/usr/bin:/bin',
            HOME: command.home,
            TMPDIR: command.tmp,
            LANG: 'C.UTF-8',
            LC_ALL: 'C.UTF-8',
            // One thread per numeric library: thread pools would count against the process limit
            // and reserve address space against the memory limit.
            OMP_NUM_THREADS: '1',
            OPENBLAS_NUM_THREADS: '1',
            MKL_NUM_THREADS: '1',
            MPLBACKEND: 'Agg',
          },
          cwd: hostWork ?? '/',
          stdin: launch.stdin,
          nonce,
          maxOutputBytes: job.limits.maxOutputBytes,
          onOutputExceeded: () => {
            outputExceeded = true;
            killAll();
          },
          relay: launch.relay,
        }),
      );
    }
    if (processes.length === 2)
      relayCalls(processes[0]!, processes[1]!, 16 * job.limits.maxOutputBytes, () => {
        outputExceeded = true;
        killAll();
      });
    timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, job.limits.timeoutMs);
    job.signal?.addEventListener('abort', onAbort, { once: true });
    if (job.signal?.aborted) onAbort();
    // The last process decides: the program alone, or the test process of a two-process test.
    const decider = await processes.at(-1)!.done;
    killAll();
    const program = processes.length === 2 ? await processes[0]!.done : decider;
    return {
      stdout: program.stdout,
      stderrTail: program.stderrTail,
      timedOut,
      outputExceeded: outputExceeded || decider.outputExceeded || program.outputExceeded,
      aborted,
      result: decider.report.result,
      exit: decider.report.exit,
      started: decider.report.started,
      durationMs: performance.now() - started,
      report: sandboxReport(kind, uid, processLimit),
    };
  } finally {
    clearTimeout(timer);
    job.signal?.removeEventListener('abort', onAbort);
    killAll();
    await Promise.all(
      hostDirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined)),
    );
  }
}

/** Connects the program's call channel with the test process's, both ways, within a byte budget. */
function relayCalls(program: HarnessProcess, tests: HarnessProcess, limitBytes: number, onExceeded: () => void): void {
  let relayed = 0;
  const forward = (from: HarnessProcess, to: HarnessProcess) => {
    from.callsOut.on('data', (chunk: Buffer) => {
      relayed += chunk.length;
      if (relayed > limitBytes) return onExceeded();
      to.callsIn.write(chunk);
    });
    from.callsOut.on('close', () => to.callsIn.end());
  };
  forward(program, tests);
  forward(tests, program);
}
