import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pidLockHolder, tryPidLock } from '../../../main/locks/pidLock';

describe('one PID lock for the store and the llama.cpp build', () => {
  it('is taken once, refused while its holder lives, and taken over from a dead one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-lock-'));
    const file = path.join(dir, 'x.lock');
    expect(await tryPidLock(file)).toBe(true);
    expect(await pidLockHolder(file)).toBe(process.pid);
    // The parent of this test process lives: its lock holds.
    await writeFile(file, `${process.ppid}\n`);
    expect(await tryPidLock(file)).toBe(false);
    // A process that has exited: its lock is taken over.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await writeFile(file, `${dead}\n`);
    expect(await tryPidLock(file)).toBe(true);
    expect((await readFile(file, 'utf8')).trim()).toBe(String(process.pid));
  });

  it('says what else went wrong instead of waiting on it', async () => {
    await expect(tryPidLock(path.join(os.tmpdir(), 'no-such-dir-z1wb', 'x.lock'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
