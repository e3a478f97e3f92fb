import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive, processGroupAlive } from '../../../main/locks/processAlive';
import { until } from '../cli/cliProcess';

/**
 * Real process groups whose members are zombies: the shell forks a member with a group of its
 * own (`setsid`), then becomes `sleep`, which never reaps it, as PID 1 is slow to (or never does)
 * for the build an engine killed with kill -9 left behind.
 */
const parents: ChildProcess[] = [];

afterEach(() => {
  for (const parent of parents.splice(0)) parent.kill('SIGKILL');
});

/**
 * Runs `member` under `setsid` beneath a parent that never reaps; returns the member's pid (= its
 * group). The member starts only once its parent has become `sleep`: a member that ended before
 * that was sometimes reaped by the parent shell, and never became a zombie (a CI failure).
 */
async function groupUnderNonReapingParent(member: string): Promise<number> {
  const waitForSleepingParent = 'until [ "$(cat /proc/$PPID/comm)" = sleep ]; do sleep 0.01; done';
  const parent = spawn('sh', ['-c', `setsid sh -c '${waitForSleepingParent}; ${member}' & echo $!; exec sleep 30`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  parents.push(parent);
  let out = '';
  parent.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await until('the member pid', () => /\d+\n/.test(out), 5000);
  return Number(out.trim());
}

async function stateOf(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '';
}

function signalSaysAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(process.platform !== 'linux')('a process (group) is alive while it (a member) can run', () => {
  it('is dead when its only member is a zombie, though kill(-pgid, 0) still succeeds', async () => {
    const group = await groupUnderNonReapingParent('exit 0');
    await until('the member to be a zombie', async () => (await stateOf(group)) === 'Z', 5000);
    expect(signalSaysAlive(group)).toBe(true);
    expect(processGroupAlive(group)).toBe(false);
  });

  it('is alive while its leader is a zombie and another member still runs', async () => {
    const group = await groupUnderNonReapingParent('sleep 30 & exit 0');
    await until('the leader to be a zombie', async () => (await stateOf(group)) === 'Z', 5000);
    expect(processGroupAlive(group)).toBe(true);
    process.kill(-group, 'SIGKILL'); // the sleeping member dies; its zombie goes to PID 1
    await until('the group to be dead', () => !processGroupAlive(group), 5000);
  });

  it('counts a single zombie process as dead too (a lock holder nobody reaps)', async () => {
    const pid = await groupUnderNonReapingParent('exit 0');
    await until('the process to be a zombie', async () => (await stateOf(pid)) === 'Z', 5000);
    expect(processAlive(pid)).toBe(false);
    expect(processAlive(process.pid)).toBe(true);
  });

  it('is alive while its members run, and dead once they are gone', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    parents.push(child);
    expect(processGroupAlive(child.pid!)).toBe(true);
    child.kill('SIGKILL');
    await until('the child to be reaped', () => !signalSaysAlive(child.pid!), 5000);
    expect(processGroupAlive(child.pid!)).toBe(false);
  });
});
