import { execFile, spawnSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../helpers/headlessHost';
import { Z1WB } from '../cli/cliProcess';

const READER = 'z1wbreader';

/**
 * `z1wb ARGS` as an unprivileged user: root (CI) ignores file permissions, so a read-only store
 * is only read-only for another uid. That user is created here when missing.
 */
export async function asReader(args: string[]): Promise<{ code: number; stdout: string; stderr: string; uid: number }> {
  const root = process.getuid?.() === 0;
  if (root && spawnSync('id', ['-u', READER]).status !== 0) {
    const made = spawnSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', READER]);
    if (made.status !== 0) throw new Error(`useradd ${READER}: ${made.stderr}`);
  }
  const command = root
    ? ['runuser', '-u', READER, '--', process.execPath, Z1WB, ...args]
    : [process.execPath, Z1WB, ...args];
  const uid = root ? Number(spawnSync('id', ['-u', READER]).stdout.toString()) : process.getuid!();
  try {
    const { stdout, stderr } = await promisify(execFile)(command[0]!, command.slice(1), { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr, uid };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, uid };
  }
}

/** Every file under a folder with its size and modification time: a store left untouched keeps it. */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const info = await stat(path.join(dir, entry));
    out.push(`${entry} ${info.size} ${info.mtimeMs}`);
  }
  return out.sort();
}
