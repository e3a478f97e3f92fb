import { readdirSync, readFileSync } from 'node:fs';

/**
 * Whether a process group still has a member that can run. `kill(-pgid, 0)` alone says yes
 * for zombies too, and a build whose engine died is an orphan: once it ends, its zombie waits
 * for PID 1 to reap it (about a second on the project's VM, never in a container whose PID 1
 * does not reap), and a job waiting on it would wait that long for a build that is over. On
 * Linux the members' states in /proc decide; elsewhere the signal's answer stands.
 */
export function processGroupAlive(pgid: number, procDir = '/proc'): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM: the group exists but belongs to another user; it runs as far as we can tell.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  const states = groupMemberStates(pgid, procDir);
  // No member seen (a /proc of another pid namespace, or all gone since the signal): the
  // signal's "alive" stands until the next look, so a live build is never taken for dead.
  return states.length === 0 || states.some((state) => state !== 'Z' && state !== 'X');
}

/** The state letters (R, S, D, Z, …) of the processes of group `pgid` listed in `procDir`. */
function groupMemberStates(pgid: number, procDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(procDir);
  } catch {
    return [];
  }
  const states: string[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`${procDir}/${entry}/stat`, 'utf8');
    } catch {
      continue; // Exited while we looked.
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state) states.push(state);
  }
  return states;
}
