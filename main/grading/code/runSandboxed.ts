import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SandboxReport } from '../gradeResult';
import { HARNESS_SOURCE } from './sandboxHarness';
import { sandboxCapabilities } from './sandboxCapabilities';

export type SandboxMode = 'stdio' | 'function' | 'assert' | 'unittest';

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
  /** Standard input (stdio mode). */
  stdin?: string;
  limits: SandboxLimits;
  /** "auto" or a path / command name. */
  python: string;
  signal?: AbortSignal;
}

export interface SandboxRun {
  stdout: string;
  stderrTail: string;
  timedOut: boolean;
  outputExceeded: boolean;
  aborted: boolean;
  /** The child's verdict, from the harness (null when it never reported). */
  result: { status: string; message: string } | null;
  /** How the candidate's process ended, as the harness saw it. */
  exit: { code?: number; signal?: number } | null;
  /** The harness started and reported its setup. */
  started: boolean;
  durationMs: number;
  report: SandboxReport;
}

/** Unassigned user ids, one per run as root, so that RLIMIT_NPROC counts only that run's processes. */
const SANDBOX_UID_BASE = 1_500_000_000;
const SANDBOX_UID_SPAN = 100_000_000;
const STDERR_TAIL_BYTES = 4096;

export function resolvePython(setting: string): string {
  if (setting !== 'auto') return setting;
  // /usr/bin/python3 first: after dropping to the sandbox user, an interpreter under /root
  // (pyenv) could not load the rest of its standard library.
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'python3');
    if (dir && existsSync(candidate)) return candidate;
  }
  return 'python3';
}

/**
 * Runs one test of untrusted Python in a separate process: new network, mount and PID namespaces
 * where the machine allows (see sandboxCapabilities), resource limits, a dedicated user id when
 * running as root, a fresh temporary directory as working directory and HOME, a scrubbed
 * environment, and the whole process tree killed when the time limit passes.
 */
export async function runSandboxed(job: SandboxJob): Promise<SandboxRun> {
  const capabilities = await sandboxCapabilities();
  const python = resolvePython(job.python);
  const root = await mkdtemp(path.join(os.tmpdir(), 'z1wb-sandbox-'));
  const started = performance.now();
  try {
    // Traversable but not listable: the sandbox user reaches work/ and nothing else here.
    await chmod(root, 0o711);
    const work = path.join(root, 'work');
    await mkdir(work, { mode: 0o700 });
    const uid = capabilities.isRoot ? SANDBOX_UID_BASE + randomInt(SANDBOX_UID_SPAN) : null;
    if (uid !== null) await chown(work, uid, uid);
    const nonce = randomBytes(16).toString('hex');
    const configPath = path.join(root, 'config.json');
    // Without a fresh user namespace (and not root), RLIMIT_NPROC would count every process of the
    // user, so a desktop session could not fork at all: the limit is left off and said so.
    const processLimitHolds = uid !== null || capabilities.userNamespace;
    await writeFile(
      configPath,
      JSON.stringify({
        nonce,
        work,
        mode: job.mode,
        solution: job.solution,
        test: job.test ?? '',
        entryPoint: job.entryPoint ?? '',
        privateTmp: capabilities.mountNamespace,
        hide: [...new Set(['/tmp', '/var/tmp', '/dev/shm', os.tmpdir()])],
        memoryBytes: job.limits.memoryMb * 2 ** 20,
        fileBytes: job.limits.maxFileBytes,
        cpuSeconds: Math.ceil(job.limits.timeoutMs / 1000) + 1,
        maxProcesses: processLimitHolds ? job.limits.maxProcesses : null,
        uid,
      }),
      { mode: 0o600 },
    );
    const notes = [...capabilities.notes];
    if (!processLimitHolds) notes.push('process count not limited (not root and no user namespace)');
    const run = await spawnHarness(job, python, capabilities.unshare, configPath, work, nonce);
    const report: SandboxReport = {
      network: capabilities.network ? 'isolated' : 'not-isolated',
      pidNamespace: capabilities.pidNamespace,
      privateTmp: run.privateTmp,
      user: uid !== null ? 'dedicated-uid' : 'same-user',
      notes: [...notes, ...run.setupNotes],
    };
    return { ...run, durationMs: performance.now() - started, report };
  } finally {
    await rm(root, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);
  }
}

interface HarnessRun extends Omit<SandboxRun, 'durationMs' | 'report'> {
  privateTmp: boolean;
  setupNotes: string[];
}

function spawnHarness(job: SandboxJob, python: string, unshare: string[] | null, configPath: string, work: string, nonce: string): Promise<HarnessRun> {
  const command = unshare ? unshare[0]! : python;
  const args = [...(unshare ? [...unshare.slice(1), python] : []), '-I', '-c', HARNESS_SOURCE, configPath];
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: work,
    TMPDIR: work,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    // One thread per numeric library: thread pools would count against the process limit and
    // reserve address space against the memory limit.
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    MPLBACKEND: 'Agg',
  };
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrTail = Buffer.alloc(0);
    let stderrBytes = 0;
    let reports = '';
    let timedOut = false;
    let outputExceeded = false;
    let aborted = false;
    let settled = false;
    let result: HarnessRun['result'] = null;
    let exit: HarnessRun['exit'] = null;
    let setup: { privateTmp: boolean; notes: string[] } | null = null;

    const child = spawn(command, args, { cwd: work, env, detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    const killTree = () => {
      // The harness's process group; with a PID namespace its death also ends every descendant.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, job.limits.timeoutMs);
    const onAbort = () => {
      aborted = true;
      killTree();
    };
    job.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout!.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > job.limits.maxOutputBytes) {
        if (!outputExceeded) {
          outputExceeded = true;
          killTree();
        }
        return;
      }
      stdout.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderrBytes += chunk.length;
      stderrTail = Buffer.concat([stderrTail, chunk]).subarray(-STDERR_TAIL_BYTES);
      if (stderrBytes > job.limits.maxOutputBytes && !outputExceeded) {
        outputExceeded = true;
        killTree();
      }
    });
    const reportStream = child.stdio[3] as NodeJS.ReadableStream;
    reportStream.on('data', (chunk: Buffer) => {
      reports += chunk.toString('utf8');
      if (reports.length > 65_536) reports = reports.slice(-65_536);
    });
    child.stdin!.on('error', () => undefined); // The program may exit without reading its input.
    child.stdin!.end(job.stdin ?? '');

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      job.signal?.removeEventListener('abort', onAbort);
      // Whatever the candidate left behind in the group (no PID namespace) goes too.
      killTree();
      for (const line of reports.split('\n')) {
        if (!line.includes(nonce)) continue;
        try {
          const message = JSON.parse(line) as Record<string, unknown>;
          if (message['nonce'] !== nonce) continue;
          if (message['type'] === 'setup') setup = { privateTmp: message['privateTmp'] === true, notes: (message['notes'] as string[]) ?? [] };
          if (message['type'] === 'result') result = { status: String(message['status']), message: String(message['message'] ?? '') };
          if (message['type'] === 'exit') {
            exit = typeof message['signal'] === 'number' ? { signal: message['signal'] } : { code: Number(message['code']) };
          }
        } catch {
          // A forged or torn line: ignored.
        }
      }
      const runSetup = setup as { privateTmp: boolean; notes: string[] } | null;
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderrTail: stderrTail.toString('utf8'),
        timedOut,
        outputExceeded,
        aborted,
        result,
        exit,
        started: runSetup !== null,
        privateTmp: runSetup?.privateTmp ?? false,
        setupNotes: runSetup?.notes ?? [],
      });
    };
    child.on('error', (error) => {
      stderrTail = Buffer.from(`could not start ${command}: ${error.message}`);
      finish();
    });
    child.on('close', finish);
    // Pipes held open by an escaped grandchild must not keep the grade waiting.
    child.on('exit', () => {
      killTree();
      setTimeout(() => {
        for (const stream of [child.stdout, child.stderr, reportStream] as Array<NodeJS.ReadableStream & { destroy?: () => void }>) stream.destroy?.();
        finish();
      }, 200).unref();
    });
  });
}
