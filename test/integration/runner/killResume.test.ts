import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workbench } from '../../../main/api/Workbench';
import { spawnNodeEngine } from '../../../main/engine-supervisor/nodeEngineChild';
import { engineOfHost } from '../../../main/api/enginePort';
import { Runner } from '../../../main/runner/Runner';
import { RunStore } from '../../../main/store/RunStore';
import { STORE_ENV } from '../../../main/store/storeDir';
import { runCli as cli } from '../../helpers/runCli';

const REPO = path.resolve('.');


/** The oracle sweep with 20 samples per problem: 240 items × 5 windows, long enough to kill mid-way. */
async function longNotebook(dir: string): Promise<string> {
  const notebook = JSON.parse(await readFile(path.join(REPO, 'experiments/oracle-sweep.z1.json'), 'utf8'));
  notebook.cells = notebook.cells.filter(
    (c: { type: string; id: string }) => c.type !== 'plot' && c.id !== 'baseline' && c.id !== 'no-window',
  );
  notebook.cells.find((c: { id: string }) => c.id === 'problems').dataset.path = path.join(
    REPO,
    'experiments/datasets/oracle.jsonl',
  );
  notebook.cells.find((c: { id: string }) => c.id === 'z1-sweep').samples = 20;
  const file = path.join(dir, 'long.z1.json');
  await writeFile(file, JSON.stringify(notebook, null, 2));
  return file;
}

async function storedLines(store: string): Promise<number> {
  const runs = await readdir(path.join(store, 'runs')).catch(() => [] as string[]);
  let total = 0;
  for (const run of runs)
    total +=
      (await readFile(path.join(store, 'runs', run, 'samples.jsonl'), 'utf8').catch(() => '')).split('\n').length - 1;
  return total;
}

/** Every sample of every run, without the timings (which differ from run to run). */
async function contents(store: string) {
  const s = await RunStore.open(store);
  try {
    const out: Record<string, unknown[]> = {};
    for (const run of s.list()) {
      const records = (await s.runFiles(run.id)).records();
      out[run.label] = records.map(({ generateMs: _g, tokensPerSecond: _t, ...rest }) => rest);
    }
    return out;
  } finally {
    await s.close();
  }
}

describe('kill -9 during z1wb run, then run again', () => {
  it('resumes to a complete store with no duplicate and results equal to an uninterrupted run', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-kill-'));
    const notebook = await longNotebook(dir);
    const store = path.join(dir, 'killed');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'main/cli/z1wb.ts'), 'run', notebook, '--store', store, '--json'],
      {
        cwd: REPO,
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    while ((await storedLines(store)) < 150) {
      if (Date.now() > deadline) throw new Error('the run stored too few samples in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    await exited;
    const atKill = await storedLines(store);
    expect(atKill).toBeLessThan(5 * 241); // killed before the end

    const resumed = await cli(['run', notebook, '--store', store, '--json']);
    expect(resumed.code).toBe(0);
    const runs = JSON.parse(resumed.stdout).runs as Array<{ origin: string; samples: number; status: string }>;
    expect(runs.every((r) => r.status === 'complete' && r.samples === 240)).toBe(true);
    expect(runs.some((r) => r.origin === 'resumed')).toBe(true);

    const reference = path.join(dir, 'reference');
    expect((await cli(['run', notebook, '--store', reference, '--json'])).code).toBe(0);
    const killed = await contents(store);
    const uninterrupted = await contents(reference);
    for (const [label, records] of Object.entries(killed)) {
      const keys = records.map((r) => (r as { key: string }).key);
      expect(new Set(keys).size, label).toBe(240);
      expect(keys).toHaveLength(240);
      expect(records, label).toEqual(uninterrupted[label]);
    }
    // On disk too: each samples file holds its header and exactly 240 rows.
    for (const run of await readdir(path.join(store, 'runs'))) {
      const lines = (await readFile(path.join(store, 'runs', run, 'samples.jsonl'), 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(241);
    }
  }, 180_000);
});

describe('the engine process crashing during a run', () => {
  it('stops the run with the error, keeps its samples, and resumes after the engine restarts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-crash-'));
    const notebook = await longNotebook(dir);
    const storeDir = path.join(dir, 'store');
    const store = await RunStore.open(storeDir);
    const workbench = new Workbench({
      host: 'cli',
      storeDir,
      spawnEngine: spawnNodeEngine({ env: { [STORE_ENV]: storeDir } }),
    });
    let samples = 0;
    const runner = new Runner({
      store,
      appVersion: 'test',
      engine: engineOfHost(workbench),
      storeDir,
      emit: (event) => void (event === 'run.sample' && samples++),
    });
    try {
      const started = await runner.start({ notebookPath: notebook, cellId: 'z1-sweep' });
      const deadline = Date.now() + 60_000;
      while (samples < 100) {
        if (Date.now() > deadline) throw new Error('too few samples in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      process.kill(workbench.engine.getStatus().pid!, 'SIGKILL');
      const crashed = await runner.wait(started.jobId);
      expect(crashed.state).toBe('failed');
      expect(crashed.error).toMatch(/engine/);
      expect(crashed.runs.every((r) => r.status === 'stopped' && r.done > 0 && r.done < 240)).toBe(true);

      const again = await runner.start({ notebookPath: notebook, cellId: 'z1-sweep' });
      expect(again.runs.map((r) => r.origin)).toEqual(['resumed', 'resumed', 'resumed', 'resumed', 'resumed']);
      const done = await runner.wait(again.jobId);
      expect(done.state).toBe('complete');
      expect(done.runs.map((r) => Math.round(r.summary!.accuracy.value * 12))).toEqual([1, 3, 6, 9, 12]);
      for (const run of done.runs) expect((await store.runFiles(run.id)).count).toBe(240);
    } finally {
      await runner.close();
      await workbench.close();
      await store.close();
    }
  }, 180_000);
});
