import { spawn } from 'node:child_process';

/** Process groups of running builds: killed when this process exits, so no compiler outlives it. */
const runningGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    if (process.platform !== 'win32') process.kill(-pid, 'SIGTERM');
    else process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of runningGroups) killGroup(pid);
  });
}

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Every line the command prints (stdout and stderr), as it prints it. */
  onLine?: (line: string) => void;
}

/**
 * Runs a build command, streaming its lines; rejects with the command, its exit code and the
 * last lines of output when it fails, and kills it (with its own children) when aborted.
 */
export function runCommand(command: string, args: string[], options: RunCommandOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new Error(`${command} was cancelled before it started`));
      return;
    }
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that cancelling stops the compilers it started too.
      detached: process.platform !== 'win32',
    });
    installExitHook();
    if (child.pid !== undefined) runningGroups.add(child.pid);
    const tail: string[] = [];
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      options.onLine?.(line);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (pending + chunk).split(/\r?\n|\r/);
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) onLine(line);
      });
      stream.on('end', () => {
        if (pending.trim()) onLine(pending);
      });
    }
    const abort = () => {
      if (child.pid !== undefined) killGroup(child.pid);
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', abort);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.once('close', (code, signalName) => {
      if (child.pid !== undefined) runningGroups.delete(child.pid);
      options.signal?.removeEventListener('abort', abort);
      if (code === 0) resolve();
      else if (options.signal?.aborted) reject(new Error(`${command} ${args.join(' ')} was cancelled`));
      else {
        const how = signalName ? `was killed by ${signalName}` : `exited with code ${code}`;
        reject(new Error(`${command} ${args.join(' ')} ${how}:\n${tail.join('\n')}`));
      }
    });
  });
}
