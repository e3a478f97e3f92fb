import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { pythonMarshal } from './harness/pythonMarshal';
import type { SandboxCommand } from './sandboxCommand';

const STDERR_TAIL_BYTES = 4096;
const REPORT_BYTES = 1 << 20;

export interface HarnessReport {
  /** The harness started (its setup line arrived). */
  started: boolean;
  /** The verdict line (null when none came). */
  result: { status: string; message: string; value?: unknown } | null;
  /** How the program's process ended, as the harness's parent saw it. */
  exit: { code?: number; signal?: number } | null;
}

export interface HarnessProcess {
  /** Calls from this process (fd 6) and to it (fd 5); only for the two-process tests. */
  callsOut: Readable;
  callsIn: Writable;
  /** Resolves when the process and its pipes are done. */
  done: Promise<{ stdout: string; stderrTail: string; outputExceeded: boolean; report: HarnessReport }>;
  /** Kills the process group (with bwrap: the sandbox and everything in it). */
  kill(): void;
}

export interface HarnessProcessOptions {
  command: SandboxCommand;
  config: Record<string, unknown>;
  env: Record<string, string>;
  cwd: string;
  stdin: string;
  nonce: string;
  maxOutputBytes: number;
  /** Called once when output passes the limit. */
  onOutputExceeded: () => void;
  /** Whether fds 5 and 6 carry calls (two-process tests); otherwise they are drained and closed. */
  relay: boolean;
}

/** Reads the report lines that carry the nonce; a line without it is the candidate's. */
function readReport(text: string, nonce: string): HarnessReport {
  const report: HarnessReport = { started: false, result: null, exit: null };
  for (const line of text.split('\n')) {
    if (!line.includes(nonce)) continue;
    try {
      const message = JSON.parse(line) as Record<string, unknown>;
      if (message['nonce'] !== nonce) continue;
      if (message['type'] === 'setup') report.started = true;
      if (message['type'] === 'result')
        report.result = {
          status: String(message['status']),
          message: String(message['message'] ?? ''),
          value: message['value'],
        };
      if (message['type'] === 'exit')
        report.exit =
          typeof message['signal'] === 'number' ? { signal: message['signal'] } : { code: Number(message['code']) };
    } catch {
      // A torn line: ignored.
    }
  }
  return report;
}

/**
 * Starts one harness process: fd 3 carries its configuration (then closes), fd 4 its report, fds 5
 * and 6 the calls of a two-process test. Output over the limit kills it.
 */
export function startHarnessProcess(options: HarnessProcessOptions): HarnessProcess {
  const { command } = options;
  const child = spawn(command.command, command.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
  });
  const kill = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const [stdin, stdout, stderr, config, reportStream, callsIn, callsOut] = child.stdio as unknown as [
    Writable,
    Readable,
    Readable,
    Writable,
    Readable,
    Writable,
    Readable,
  ];
  for (const stream of [stdin, config, callsIn]) stream.on('error', () => undefined);

  const done = new Promise<{ stdout: string; stderrTail: string; outputExceeded: boolean; report: HarnessReport }>(
    (resolve) => {
      const out: Buffer[] = [];
      let outBytes = 0;
      let errTail = Buffer.alloc(0);
      let errBytes = 0;
      let reportText = '';
      let outputExceeded = false;
      let settled = false;
      const exceeded = () => {
        if (outputExceeded) return;
        outputExceeded = true;
        kill();
        options.onOutputExceeded();
      };
      stdout.on('data', (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > options.maxOutputBytes) return exceeded();
        out.push(chunk);
      });
      stderr.on('data', (chunk: Buffer) => {
        errBytes += chunk.length;
        errTail = Buffer.concat([errTail, chunk]).subarray(-STDERR_TAIL_BYTES);
        if (errBytes > options.maxOutputBytes) exceeded();
      });
      reportStream.on('data', (chunk: Buffer) => {
        reportText += chunk.toString('utf8');
        if (reportText.length > REPORT_BYTES) reportText = reportText.slice(-REPORT_BYTES);
      });
      const finish = () => {
        if (settled) return;
        settled = true;
        kill();
        resolve({
          stdout: Buffer.concat(out).toString('utf8'),
          stderrTail: errTail.toString('utf8'),
          outputExceeded,
          report: readReport(reportText, options.nonce),
        });
      };
      child.on('error', (error) => {
        errTail = Buffer.from(`could not start ${command.command}: ${error.message}`);
        finish();
      });
      child.on('close', finish);
      // Pipes held open by something that escaped the group must not keep the grade waiting.
      child.on('exit', () => {
        kill();
        setTimeout(() => {
          for (const stream of [stdout, stderr, reportStream, callsOut]) stream.destroy();
          finish();
        }, 200).unref();
      });
    },
  );
  if (!options.relay) {
    callsOut.resume();
    callsIn.end();
  }
  config.end(pythonMarshal(options.config));
  stdin.end(options.stdin);
  return { callsOut, callsIn, done, kill };
}
