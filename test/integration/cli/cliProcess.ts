import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/headlessHost';

export const Z1WB = path.join(REPO_ROOT, 'bin', 'z1wb.js');

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code and signal, with the time it exited (performance.now()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** `z1wb ARGS` as its own process, as from a shell (`group`: its own process group, like a terminal job). */
export function spawnZ1wb(args: string[], options: { group?: boolean } = {}): CliProcess {
  const child = spawn(process.execPath, [Z1WB, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Samples durably on disk per run folder: complete lines of samples.jsonl after its header. */
export async function samplesOnDisk(store: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const run of await readdir(path.join(store, 'runs')).catch(() => [] as string[])) {
    const text = await readFile(path.join(store, 'runs', run, 'samples.jsonl'), 'utf8').catch(() => '');
    const lines = text.split('\n').length - 1; // a torn last line has no newline: not counted
    counts.set(run, Math.max(0, lines - 1));
  }
  return counts;
}

export async function totalOnDisk(store: string): Promise<number> {
  return [...(await samplesOnDisk(store)).values()].reduce((a, b) => a + b, 0);
}

/** Polls until `predicate` holds; fails naming `what` after `ms`. */
export async function until(what: string, predicate: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The oracle sweep notebook (real llama.cpp, the project's oracle GGUF) with `samples` per
 * problem: 12 problems × samples × 5 windows, long enough to stop half-way.
 */
export async function oracleNotebook(dir: string, options: { samples: number; dataset?: string }): Promise<string> {
  const notebook = JSON.parse(await readFile(path.join(REPO_ROOT, 'experiments/oracle-sweep.z1.json'), 'utf8'));
  notebook.cells = notebook.cells.filter(
    (c: { type: string; id: string }) => c.type !== 'plot' && c.id !== 'baseline' && c.id !== 'no-window',
  );
  notebook.cells.find((c: { id: string }) => c.id === 'problems').dataset.path =
    options.dataset ?? path.join(REPO_ROOT, 'experiments/datasets/oracle.jsonl');
  notebook.cells.find((c: { id: string }) => c.id === 'z1-sweep').samples = options.samples;
  const file = path.join(dir, 'oracle.z1.json');
  await writeFile(file, JSON.stringify(notebook, null, 2));
  return file;
}

/** Processes whose environment names this store (the CLI and its engine child): none may outlive a stop. */
export async function processesUsing(store: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const env = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (env.split('\0').includes(`Z1WB_STORE=${store}`)) found.push(Number(entry));
  }
  return found;
}
