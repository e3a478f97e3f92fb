import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_FILE, LOCK_FILE, RUN_FILE, RunStore } from '../../../main/store/RunStore';
import { newRun, sample } from './sampleFactory';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'z1wb-store-'));

describe('RunStore', () => {
  it('persists runs in the lowdb index and in each run folder', async () => {
    const root = await tempDir();
    const store = await RunStore.open(root);
    const run = await store.createRun(newRun());
    await store.updateRun(run.id, { status: 'complete', done: 10 });
    await store.close();

    const index = JSON.parse(await readFile(path.join(root, INDEX_FILE), 'utf8'));
    expect(index.runs.map((r: { id: string }) => r.id)).toEqual([run.id]);
    const runFile = JSON.parse(await readFile(path.join(root, 'runs', run.id, RUN_FILE), 'utf8'));
    expect(runFile.status).toBe('complete');

    const reopened = await RunStore.open(root);
    expect(reopened.get(run.id)).toMatchObject({ status: 'complete', label: 'shifted-window W=40' });
    expect(reopened.findReusable('cache-1')?.id).toBe(run.id);
    expect(reopened.issues).toEqual([]);
    await reopened.close();
  });

  it('marks a run that was running when the process died as stopped', async () => {
    const root = await tempDir();
    const store = await RunStore.open(root);
    const run = await store.createRun(newRun());
    await store.updateRun(run.id, { status: 'running' });
    await store.close();
    const reopened = await RunStore.open(root);
    expect(reopened.get(run.id)).toMatchObject({ status: 'stopped', error: expect.stringContaining('interrupted') });
    await reopened.close();
  });

  it('keeps a corrupt index aside and rebuilds it from the run folders', async () => {
    const root = await tempDir();
    const store = await RunStore.open(root);
    const a = await store.createRun(newRun());
    const b = await store.createRun(newRun({ cacheKey: 'cache-2', label: 'unbounded' }));
    await store.close();
    const indexPath = path.join(root, INDEX_FILE);
    const damaged = (await readFile(indexPath, 'utf8')).slice(0, 100);
    await writeFile(indexPath, damaged);

    const reopened = await RunStore.open(root);
    expect(reopened.issues.map((i) => i.kind)).toEqual(['corrupt', 'index-rebuilt']);
    expect(await readFile(reopened.issues[0]!.keptAs!, 'utf8')).toBe(damaged);
    expect(
      reopened
        .list()
        .map((r) => r.id)
        .sort(),
    ).toEqual([a.id, b.id].sort());
    await reopened.close();
    // The rebuilt index is written back: the next open finds nothing wrong.
    const again = await RunStore.open(root);
    expect(again.issues).toEqual([]);
    await again.close();
  });

  it('leaves a run with an unreadable run.json out of a rebuilt index, keeping the file aside', async () => {
    const root = await tempDir();
    const store = await RunStore.open(root);
    const run = await store.createRun(newRun());
    await store.close();
    await writeFile(path.join(root, INDEX_FILE), '{');
    await writeFile(path.join(root, 'runs', run.id, RUN_FILE), '{"id": 1}');
    const reopened = await RunStore.open(root);
    expect(reopened.list()).toEqual([]);
    expect(reopened.issues.map((i) => i.kind)).toEqual(['corrupt', 'corrupt', 'index-rebuilt']);
    expect((await readdir(path.join(root, 'runs', run.id))).some((f) => f.startsWith(`${RUN_FILE}.corrupt-`))).toBe(
      true,
    );
    await reopened.close();
  });

  it('brings a run in line with its sample files when they were damaged', async () => {
    const root = await tempDir();
    const store = await RunStore.open(root);
    const run = await store.createRun(newRun({ planned: 3 }));
    const files = await store.runFiles(run.id);
    await files.append([sample(0), sample(1), sample(2)]);
    await store.updateRun(run.id, { status: 'complete', done: 3 });
    await store.close();
    const samplesPath = path.join(root, 'runs', run.id, 'samples.jsonl');
    const text = await readFile(samplesPath, 'utf8');
    await writeFile(samplesPath, text.replace(',1001,', ',1002,'));

    const reopened = await RunStore.open(root);
    await reopened.runFiles(run.id);
    expect(reopened.get(run.id)).toMatchObject({
      status: 'stopped',
      done: 2,
      issues: [expect.objectContaining({ kind: 'corrupt' })],
    });
    expect(reopened.get(run.id).summary?.samples).toBe(2);
    await reopened.close();
  });

  it('refuses a store locked by another live process and takes over a stale lock', async () => {
    const root = await tempDir();
    await writeFile(path.join(root, LOCK_FILE), `${process.ppid}\n`);
    await expect(RunStore.open(root)).rejects.toThrow(`in use by process ${process.ppid}`);
    await writeFile(path.join(root, LOCK_FILE), '999999999\n');
    const store = await RunStore.open(root);
    expect(await readFile(path.join(root, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await store.close();
  });
});
