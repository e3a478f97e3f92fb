import os from 'node:os';
import { runCommand, type RunCommandOptions } from './runCommand';

/**
 * How a build's compilers are kept below a run (docs/models.md, "Builds"). Linux and macOS:
 * `nice -n` around the command, so the build and everything it starts run at that niceness from
 * their first instruction. Windows has no `nice`: the build's process is given a lower priority
 * class as soon as it is spawned (os.setPriority, which Node maps to Windows' classes:
 * PRIORITY_LOW to IDLE_PRIORITY_CLASS, PRIORITY_BELOW_NORMAL to BELOW_NORMAL_PRIORITY_CLASS), and
 * what it starts later (cmake, the compilers) inherits the class: node-llama-cpp's command line
 * takes far longer to start its first child than the call takes.
 */
export interface BuildPriorityOptions {
  /** Default: this process's platform (tests fake it). */
  platform?: NodeJS.Platform;
  /** Default: os.setPriority. */
  setPriority?: (pid: number, priority: number) => void;
}

/** `command args` wrapped in `nice -n <nice>` where there is one (not on Windows). */
export function niced(
  command: string,
  args: string[],
  nice: number | undefined,
  options: BuildPriorityOptions = {},
): [string, string[]] {
  if (!nice || (options.platform ?? process.platform) === 'win32') return [command, args];
  return ['nice', ['-n', String(nice), command, ...args]];
}

/** The Windows priority for a niceness: the lowest class for nice 19, the one below normal for less. */
export function windowsPriorityOf(nice: number): number {
  const { PRIORITY_LOW, PRIORITY_BELOW_NORMAL } = os.constants.priority;
  return nice >= PRIORITY_LOW ? PRIORITY_LOW : PRIORITY_BELOW_NORMAL;
}

/** After spawning what `niced` returned: on Windows, lowers the process's priority class; elsewhere `nice` did. */
export function lowerSpawnedPriority(pid: number, nice: number | undefined, options: BuildPriorityOptions = {}): void {
  if (!nice || (options.platform ?? process.platform) !== 'win32') return;
  try {
    (options.setPriority ?? os.setPriority)(pid, windowsPriorityOf(nice));
  } catch {
    // Already ended: its exit code reports why.
  }
}

/** runCommand at a lower priority (`nice` 19 is the automatic build's): the same on every platform. */
export function runNiced(
  command: string,
  args: string[],
  nice: number | undefined,
  options: RunCommandOptions = {},
): Promise<void> {
  const [nicedCommand, nicedArgs] = niced(command, args, nice);
  return runCommand(nicedCommand, nicedArgs, {
    ...options,
    onSpawn: (pid) => {
      lowerSpawnedPriority(pid, nice);
      options.onSpawn?.(pid);
    },
  });
}
