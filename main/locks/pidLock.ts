import { readFile, rm, writeFile } from 'node:fs/promises';
import { processAlive } from './processAlive';

/**
 * Takes a lock file that holds this process's pid: true when taken, false while a live process
 * holds it. A lock left by a process that died (kill -9, power loss), or whose holder is a zombie
 * nobody reaps (locks/processAlive.ts), is taken over. Errors other
 * than "already exists" (no such folder, no permission) are thrown.
 */
export async function tryPidLock(file: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await pidLockHolder(file);
      if (holder !== null && holder !== process.pid && processAlive(holder)) return false;
      await rm(file, { force: true });
    }
  }
  return false;
}

/** The pid written in a lock file, null when there is none or it is not a pid. */
export async function pidLockHolder(file: string): Promise<number | null> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}
