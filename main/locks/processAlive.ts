import { readdirSync, readFileSync } from 'node:fs';

/**
 * Whether a process, or a process group, can still run. `kill(pid, 0)` says yes for zombies
 * too, and the processes the workbench asks about are often orphans: a build or a lock holder
 * whose engine died is reparented to PID 1, and once it ends its zombie waits for PID 1 to reap
 * it (about a second on the project's VM, never in a container whose PID 1 does not reap). A
 * job waiting on one would wait that long, or forever, on work that is over. On Linux the
 * states in /proc decide; elsewhere the signal's answer stands.
 */

/** Zombie, dead. */
const DEAD_STATES = new Set(['Z', 'X']);

/** Whether process `pid` exists and is not a zombie. */
export function processAlive(pid: number, procDir = '/proc'): boolean {
  if (!signalReaches(pid)) return false;
  if (process.platform !== 'linux') return true;
  const state = statOf(`${procDir}/${pid}/stat`)?.state;
  // Unreadable (another pid namespace's /proc, or gone since the signal): the signal's "alive" stands.
  return state === undefined || !DEAD_STATES.has(state);
}

/** Whether process group `pgid` still has a member that can run. */
export function processGroupAlive(pgid: number, procDir = '/proc'): boolean {
  if (!signalReaches(-pgid)) return false;
  if (process.platform !== 'linux') return true;
  const states = groupMemberStates(pgid, procDir);
  // No member seen (a /proc of another pid namespace, or all gone since the signal): the
  // signal's "alive" stands until the next look, so a live build is never taken for dead.
  return states.length === 0 || states.some((state) => !DEAD_STATES.has(state));
}

/** `kill(target, 0)`: a process or group exists (EPERM: it belongs to another user, but exists). */
function signalReaches(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
    const stat = statOf(`${procDir}/${entry}/stat`);
    if (stat?.group === pgid) states.push(stat.state);
  }
  return states;
}

/** A process's state letter and group from its /proc stat file; null when it cannot be read (exited). */
function statOf(file: string): { state: string; group: number } | null {
  let stat: string;
  try {
    stat = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
  const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return state ? { state, group: Number(group) } : null;
}
