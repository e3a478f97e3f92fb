import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/headlessHost';

export const Z1WB = path.join(REPO_ROOT, 'bin', 'z1wb.js');

export interface ServeProcess {
  child: ChildProcess;
  /** The URL printed by `z1wb serve`. */
  url: URL;
  origin: string;
  port: number;
  token: string;
  stderr(): string;
  /** Still running (a crash would have ended it). */
  alive(): boolean;
  stop(): Promise<void>;
}

/**
 * `z1wb serve` as a user starts it: its own process, so a crash in the host ends that process
 * (which an in-process host would hide behind the test runner's handlers).
 */
export async function startServe(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const store = await mkdtemp(path.join(os.tmpdir(), 'z1wb-serve-'));
  const child = spawn(process.execPath, [Z1WB, 'serve', '--port', '0', '--store', store, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<URL>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const match = /Z1 Workbench: (http:\/\/\S+)\n/.exec(stdout);
      if (match) resolve(new URL(match[1]!));
    });
    child.once('exit', (code, signal) => reject(new Error(`serve exited (${code ?? signal}): ${stderr}`)));
  });
  return {
    child,
    url,
    origin: url.origin,
    port: Number(url.port),
    token: url.searchParams.get('token')!,
    stderr: () => stderr,
    alive: () => !exited && child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      await gone;
    },
  };
}

/** `z1wb serve` that is expected to refuse to start: its exit code and what it printed. */
export function serveRefusal(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [Z1WB, 'serve', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    // A host that started is the failure this helper exists to show: do not leave it running.
    if (stdout.includes('Z1 Workbench: ')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr, stdout })));
}

/** An authorised API call over HTTP: app.info's answer. */
export async function appInfo(origin: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${origin}/api/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'request', id: 7, method: 'app.info', params: {} }),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: await response.json() };
}

/** A request with headers that fetch drops or replaces (Host), answered with its status and body. */
export function request(
  port: number,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: Buffer | Buffer[] },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: options.path,
      method: options.method ?? 'GET',
      headers: options.headers,
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    const parts = options.body === undefined ? [] : Array.isArray(options.body) ? options.body : [options.body];
    for (const part of parts) req.write(part);
    req.end();
  });
}
