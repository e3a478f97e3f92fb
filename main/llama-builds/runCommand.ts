import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Process groups of running builds: killed when this process exits, so no compiler outlives it. */
const runningGroups = new Set<number>();
let exitHookInstalled = false;

/** Stops a command and everything it started (its process group). */
export function killGroup(pid: number): void {
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
  /**
   * Output to this file (appended) instead of a pipe, read back for `onLine`: the command then
   * outlives this process (a pipe would break when it dies, and the command with it), and is not
   * killed when this process exits. For a build that should finish whoever started it.
   */
  logFile?: string;
  /** The command's pid, which is also its process group's id (not on Windows). */
  onSpawn?: (pid: number) => void;
}

/** Splits a stream of text into lines, keeping an unfinished last line for the next chunk. */
function lineSplitter(onLine: (line: string) => void) {
  let pending = '';
  return {
    push(chunk: string) {
      const lines = (pending + chunk).split(/\r?\n|\r/);
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line);
    },
    end() {
      if (pending.trim()) onLine(pending);
      pending = '';
    },
  };
}

/** Reads what is appended to `file` from `offset` on, every 200 ms, until stopped (then once more). */
function followFile(file: string, offset: number, onText: (text: string) => void): () => Promise<void> {
  let position = offset;
  let reading = Promise.resolve();
  const read = () =>
    (reading = reading.then(async () => {
      const handle = await open(file, 'r').catch(() => null);
      if (!handle) return;
      try {
        const buffer = Buffer.alloc(1 << 16);
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          onText(buffer.toString('utf8', 0, bytesRead));
        }
      } finally {
        await handle.close();
      }
    }));
  const timer = setInterval(() => void read(), 200);
  return async () => {
    clearInterval(timer);
    await read();
  };
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
    const tail: string[] = [];
    const lines = lineSplitter((line) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      options.onLine?.(line);
    });
    const log = options.logFile ? { fd: openSync(options.logFile, 'a'), offset: 0 } : null;
    if (log) log.offset = fstatSync(log.fd).size;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: log ? ['ignore', log.fd, log.fd] : ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that cancelling stops the compilers it started too.
      detached: process.platform !== 'win32',
    });
    if (log) closeSync(log.fd);
    if (!log) installExitHook();
    if (child.pid !== undefined) {
      if (!log) runningGroups.add(child.pid);
      options.onSpawn?.(child.pid);
    }
    let stopFollowing: () => Promise<void> = async () => lines.end();
    if (log && options.logFile) {
      const stop = followFile(options.logFile, log.offset, (text) => lines.push(text));
      stopFollowing = async () => {
        await stop();
        lines.end();
      };
    } else {
      let ended = 0;
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => lines.push(chunk));
        stream.on('end', () => {
          if (++ended === 2) lines.end();
        });
      }
      stopFollowing = async () => undefined;
    }
    const abort = () => {
      if (child.pid !== undefined) killGroup(child.pid);
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', abort);
      void stopFollowing();
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.once('close', (code, signalName) => {
      if (child.pid !== undefined) runningGroups.delete(child.pid);
      options.signal?.removeEventListener('abort', abort);
      void stopFollowing().then(() => {
        if (code === 0) resolve();
        else if (options.signal?.aborted) reject(new Error(`${command} ${args.join(' ')} was cancelled`));
        else {
          const how = signalName ? `was killed by ${signalName}` : `exited with code ${code}`;
          reject(new Error(`${command} ${args.join(' ')} ${how}:\n${tail.join('\n')}`));
        }
      });
    });
  });
}
