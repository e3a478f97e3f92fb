import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../main/store/GroupCommit';

describe("GroupCommit: a run's append-only files, made durable together", () => {
  it('appends trajectories and rows in order and resolves every write once durable', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-commit-'));
    const commit = new GroupCommit([path.join(dir, 't.jsonl'), path.join(dir, 'b.bin'), path.join(dir, 's.jsonl')]);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        commit.write([Buffer.from(`t${i}\n`), Buffer.from(i % 2 ? `b${i}\n` : ''), Buffer.from(`s${i}\n`)]),
      ),
    );
    await commit.flush();
    commit.close();
    const lines = (file: string) => readFile(path.join(dir, file), 'utf8').then((t) => t.trim().split('\n'));
    expect(await lines('t.jsonl')).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`));
    expect(await lines('s.jsonl')).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
    expect(await lines('b.bin')).toEqual(Array.from({ length: 10 }, (_, i) => `b${2 * i + 1}`));
    expect(commit.failure).toBeNull();
  });

  it('creates no file it never wrote to', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-commit-'));
    const commit = new GroupCommit([path.join(dir, 't.jsonl'), path.join(dir, 'b.bin'), path.join(dir, 's.jsonl')]);
    await commit.write([Buffer.from('t\n'), Buffer.alloc(0), Buffer.from('s\n')]);
    commit.close();
    expect((await readdir(dir)).sort()).toEqual(['s.jsonl', 't.jsonl']);
  });

  it('after a failed write, every later write and flush fails with that error', async () => {
    const commit = new GroupCommit(['/nonexistent-z1wb/t.jsonl', '/nonexistent-z1wb/s.jsonl']);
    await expect(commit.write([Buffer.from('t\n'), Buffer.from('s\n')])).rejects.toMatchObject({ code: 'ENOENT' });
    const failure = commit.failure;
    expect(failure).not.toBeNull();
    await expect(commit.write([Buffer.from('t\n'), Buffer.from('s\n')])).rejects.toBe(failure);
    await expect(commit.flush()).rejects.toBe(failure);
  });
});
