import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as cli } from '../../helpers/runCli';
import { oracleNotebook, processesUsing, samplesOnDisk, spawnZ1wb, totalOnDisk, until } from './cliProcess';

/** What `z1wb runs list --json` says each run holds, by run id. */
async function listed(store: string): Promise<Map<string, { samples: number; status: string }>> {
  const result = await cli(['runs', 'list', '--store', store, '--json']);
  expect(result.code, result.stderr).toBe(0);
  const runs = JSON.parse(result.stdout) as Array<{ id: string; samples: number; status: string }>;
  return new Map(runs.map((r) => [r.id, { samples: r.samples, status: r.status }]));
}

/** The run list and the sample files agree, run by run. */
async function expectListMatchesDisk(store: string): Promise<number> {
  const disk = await samplesOnDisk(store);
  const list = await listed(store);
  expect([...list.keys()].sort()).toEqual([...disk.keys()].sort());
  for (const [id, count] of disk) expect(list.get(id)?.samples, id).toBe(count);
  return [...disk.values()].reduce((a, b) => a + b, 0);
}

async function scratch(): Promise<{ dir: string; store: string; notebook: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-stop-'));
  return { dir, store: path.join(dir, 'store'), notebook: await oracleNotebook(dir, { samples: 20 }) };
}

describe('z1wb run stops when told (real llama.cpp, a z1wb process)', () => {
  it.each([
    ['SIGTERM to the process', 'SIGTERM', false, 143],
    ['Ctrl+C: SIGINT to the whole process group, engine included', 'SIGINT', true, 130],
  ] as const)(
    '%s mid-run: exits within a second, keeps the finished samples, leaves nothing running',
    async (_, signal, group, code) => {
      const { store, notebook } = await scratch();
      const run = spawnZ1wb(['run', notebook, '--store', store, '--json'], { group });
      await until('100 stored samples', async () => (await totalOnDisk(store)) >= 100);
      const sentAt = performance.now();
      if (group) process.kill(-run.child.pid!, signal);
      else run.child.kill(signal);
      const exit = await run.exited;
      console.log(`${signal} mid-run: exited ${Math.round(exit.at - sentAt)} ms after the signal`);
      expect(exit.at - sentAt, run.stderr()).toBeLessThan(1000);
      expect(exit.code, run.stderr()).toBe(code);
      expect(run.stderr()).toContain(`interrupted (${signal}): stopping; finished samples are kept`);
      const summary = JSON.parse(run.stdout()) as {
        interrupted: string;
        runs: Array<{ status: string; samples: number }>;
      };
      expect(summary.interrupted).toBe(signal);

      const kept = await expectListMatchesDisk(store);
      expect(kept).toBeGreaterThanOrEqual(100);
      expect(kept).toBeLessThan(5 * 240);
      expect(existsSync(path.join(store, 'store.lock'))).toBe(false);
      await until('the engine process to be gone', async () => (await processesUsing(store)).length === 0, 3000);
    },
    120_000,
  );

  it('SIGTERM during start-up (store open, engine not ready yet): exits within a second, nothing left behind', async () => {
    const { store, notebook } = await scratch();
    const run = spawnZ1wb(['run', notebook, '--store', store, '--json']);
    await until('the store to be opened', () => existsSync(path.join(store, 'store.lock')), 30_000);
    expect(run.stderr()).not.toMatch(/run\(s\)/); // the runs have not started: still starting up
    const sentAt = performance.now();
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    console.log(`SIGTERM in start-up: exited ${Math.round(exit.at - sentAt)} ms after the signal`);
    expect(exit.at - sentAt, run.stderr()).toBeLessThan(1000);
    expect(exit.code, run.stderr()).toBe(143);
    expect(JSON.parse(run.stdout())).toMatchObject({ runs: [], interrupted: 'SIGTERM' });
    expect(existsSync(path.join(store, 'store.lock'))).toBe(false);
    await expectListMatchesDisk(store);
    await until('the engine process to be gone', async () => (await processesUsing(store)).length === 0, 3000);
  }, 60_000);

  it('SIGINT at any moment of start-up (0.1 … 2.5 s after launch) stops it within a second', async () => {
    for (const delay of [100, 700, 1500, 2500]) {
      const { store, notebook } = await scratch();
      const run = spawnZ1wb(['run', notebook, '--store', store, '--json']);
      await new Promise((resolve) => setTimeout(resolve, delay));
      const sentAt = performance.now();
      run.child.kill('SIGINT');
      const exit = await run.exited;
      console.log(`SIGINT ${delay} ms after launch: exited ${Math.round(exit.at - sentAt)} ms after the signal`);
      expect(exit.at - sentAt, `${delay} ms: ${run.stderr()}`).toBeLessThan(1000);
      // Before the CLI installs its handlers Node's default ends it by the signal itself.
      expect(exit.code === 130 || exit.signal === 'SIGINT', `${delay} ms: ${exit.code} ${exit.signal}`).toBe(true);
      expect(existsSync(path.join(store, 'store.lock')), `${delay} ms`).toBe(false);
      await until('the engine process to be gone', async () => (await processesUsing(store)).length === 0, 3000);
    }
  }, 120_000);

  it('kill -9 mid-run: runs list right after shows exactly the samples on disk', async () => {
    const { store, notebook } = await scratch();
    const run = spawnZ1wb(['run', notebook, '--store', store, '--json']);
    await until('150 stored samples', async () => (await totalOnDisk(store)) >= 150);
    run.child.kill('SIGKILL');
    await run.exited;
    const kept = await expectListMatchesDisk(store);
    expect(kept).toBeGreaterThanOrEqual(150);
    for (const [, run] of await listed(store)) expect(run.status).toBe('stopped');
  }, 120_000);
});
