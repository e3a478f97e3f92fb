import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../../main/store/RunStore';
import { summarizeRun } from '../../../main/store/runSummary';
import { runCli as cli } from '../../helpers/runCli';
import { newRun, sample } from '../../unit/store/sampleFactory';
import { asReader, snapshot } from '../store/readOnlyHelpers';

/** Two runs, one complete and one cut off while running with its index 4 samples behind its files. */
async function storeWithRuns(): Promise<{ storeDir: string; complete: string; cutOff: string }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'z1wb-ro-'));
  const storeDir = path.join(parent, 'store');
  const store = await RunStore.open(storeDir);
  const complete = await store.createRun(newRun({ label: 'shifted-window W=40', planned: 6, cacheKey: 'a' }));
  const files = await store.runFiles(complete.id);
  await files.append(Array.from({ length: 6 }, (_, i) => sample(i, { correct: i % 2 === 0 })));
  await store.updateRun(complete.id, { status: 'complete', done: 6, summary: summarizeRun(files.records(), 1) });
  const cutOff = await store.createRun(newRun({ label: 'unbounded (128 tokens)', planned: 10, cacheKey: 'b' }));
  const cutFiles = await store.runFiles(cutOff.id);
  await cutFiles.append(Array.from({ length: 6 }, (_, i) => sample(i)));
  await store.updateRun(cutOff.id, { status: 'running', done: 2 });
  await store.close();
  // Readable by everyone, writable by no one (the parent too, so nothing can be added beside it).
  spawnSync('chmod', ['-R', 'a=rX', parent]);
  await chmod(parent, 0o555);
  return { storeDir, complete: complete.id, cutOff: cutOff.id };
}

describe('z1wb runs list|show|export|compare on a read-only store', () => {
  it('work as an unprivileged user, count the cut-off run from its files, and change nothing', async () => {
    const { storeDir, complete, cutOff } = await storeWithRuns();
    const before = await snapshot(storeDir);

    const list = await asReader(['runs', 'list', '--store', storeDir, '--json']);
    expect(list.uid).not.toBe(0);
    expect(list.code, list.stderr).toBe(0);
    expect(
      JSON.parse(list.stdout).map((r: { id: string; samples: number; status: string }) => [r.id, r.samples, r.status]),
    ).toEqual([
      [cutOff, 6, 'stopped'],
      [complete, 6, 'complete'],
    ]);
    const table = await asReader(['runs', 'list', '--store', storeDir]);
    expect(table.stdout).toMatch(new RegExp(`${cutOff} .* stopped +6/10`));
    const show = await asReader(['runs', 'show', complete, '--store', storeDir, '--json']);
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout).summary.accuracy).toMatchObject({ value: 0.5, successes: 3, trials: 6 });
    const csv = await asReader(['runs', 'export', complete, '--store', storeDir]);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n')).toHaveLength(7);
    const compare = await asReader(['runs', 'compare', complete, cutOff, '--store', storeDir, '--json']);
    expect(compare.code, compare.stderr).toBe(0);
    expect(JSON.parse(compare.stdout).paired.pairs).toBe(6);

    expect(await snapshot(storeDir)).toEqual(before);
    // Writing commands say why they cannot, naming the store.
    const regrade = await asReader(['runs', 'regrade', complete, '--store', storeDir]);
    expect(regrade.code).toBe(1);
    expect(regrade.stderr).toContain(`the store ${storeDir} cannot be written (EACCES)`);
    expect(await snapshot(storeDir)).toEqual(before);
  }, 60_000);

  it('list the runs from their folders when the index is damaged, without setting anything aside', async () => {
    const { storeDir, complete, cutOff } = await storeWithRuns();
    spawnSync('chmod', ['u+w', storeDir, path.join(storeDir, 'index.json')]);
    await writeFile(path.join(storeDir, 'index.json'), '{"format": "z1-store-index", "runs": [');
    spawnSync('chmod', ['a-w', storeDir, path.join(storeDir, 'index.json')]);
    const before = await snapshot(storeDir);
    const list = await asReader(['runs', 'list', '--store', storeDir, '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).toContain('read (the store is read-only here, nothing rewritten)');
    expect(JSON.parse(list.stdout).map((r: { id: string; samples: number }) => [r.id, r.samples])).toEqual([
      [cutOff, 6],
      [complete, 6],
    ]);
    expect(await snapshot(storeDir)).toEqual(before);
  }, 60_000);

  it('work as root on the same store (root can write, so the cut-off run is repaired on disk)', async () => {
    const { storeDir, cutOff } = await storeWithRuns();
    const list = await cli(['runs', 'list', '--store', storeDir, '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).find((r: { id: string }) => r.id === cutOff)).toMatchObject({
      samples: 6,
      status: 'stopped',
    });
    expect((await cli(['runs', 'export', cutOff, '--store', storeDir])).stdout.trim().split('\n')).toHaveLength(7);
  });
});
