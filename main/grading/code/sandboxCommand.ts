import path from 'node:path';
import { sandboxExecProfile } from './sandboxExecProfile';

/** The isolation a code test runs under; `none` only when the grader settings say `"sandbox": "none"`. */
export type SandboxKind = 'bubblewrap' | 'sandbox-exec' | 'none';

/** Inside the bubblewrap sandbox: one size-limited tmpfs holds everything the program may write. */
export const BWRAP_SCRATCH = '/sandbox';
export const BWRAP_WORK = `${BWRAP_SCRATCH}/work`;
/** /dev/shm and /run/lock are tmpfs mounts of their own, this small (they cannot be symlinks). */
const SMALL_TMPFS_BYTES = 1 << 20;

export interface SandboxCommandOptions {
  kind: SandboxKind;
  /** The bwrap, setpriv or sandbox-exec executable. */
  launcher: string;
  python: string;
  /** A directory to expose read-only besides /usr (an interpreter installed elsewhere), or null. */
  pythonPrefix: string | null;
  /** Bytes of the scratch tmpfs (bubblewrap) that holds the working directory, /tmp and HOME. */
  scratchBytes: number;
  /** Host working directory (sandbox-exec and none): created by the caller, removed afterwards. */
  hostWork: string | null;
  /** As root: the user id that bwrap (or the program, with none) runs under, so that RLIMIT_NPROC holds. */
  uid: number | null;
  setpriv: string | null;
  source: string;
}

export interface SandboxCommand {
  command: string;
  args: string[];
  /** The program's working directory and HOME as it sees them. */
  work: string;
  home: string;
  tmp: string;
}

/**
 * bubblewrap: a new root holding only /usr (read-only, with the usual /bin /lib symlinks), the
 * loader cache and the time zone; a fresh /proc and a minimal /dev; one size-limited tmpfs for the
 * working directory, /tmp, /var/tmp and HOME; private /dev/shm and /run/lock; the root and /dev
 * read-only. All namespaces are new (network included), capabilities are dropped, no further user
 * namespace can be made (so the mounts stay locked), a new session (no terminal injection), and
 * the sandbox dies with its parent.
 */
export function bwrapArgs(
  options: Pick<SandboxCommandOptions, 'python' | 'pythonPrefix' | 'scratchBytes' | 'source'>,
): string[] {
  const s = BWRAP_SCRATCH;
  return [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
    '--uid',
    '1000',
    '--gid',
    '1000',
    '--ro-bind',
    '/usr',
    '/usr',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
    '--symlink',
    'usr/bin',
    '/bin',
    '--symlink',
    'usr/sbin',
    '/sbin',
    '--ro-bind-try',
    '/etc/ld.so.cache',
    '/etc/ld.so.cache',
    '--ro-bind-try',
    '/etc/localtime',
    '/etc/localtime',
    ...(options.pythonPrefix ? ['--ro-bind', options.pythonPrefix, options.pythonPrefix] : []),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--perms',
    '0755',
    '--size',
    String(options.scratchBytes),
    '--tmpfs',
    s,
    '--perms',
    '0700',
    '--dir',
    `${s}/work`,
    '--perms',
    '0700',
    '--dir',
    `${s}/home`,
    '--perms',
    '1777',
    '--dir',
    `${s}/tmp`,
    '--symlink',
    `${s}/tmp`,
    '/tmp',
    '--dir',
    '/var',
    '--symlink',
    `${s}/tmp`,
    '/var/tmp',
    '--perms',
    '1777',
    '--size',
    String(SMALL_TMPFS_BYTES),
    '--tmpfs',
    '/dev/shm',
    '--perms',
    '1777',
    '--size',
    String(SMALL_TMPFS_BYTES),
    '--tmpfs',
    '/run/lock',
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/',
    '--chdir',
    BWRAP_WORK,
    options.python,
    '-I',
    '-c',
    options.source,
  ];
}

/** The command that runs the harness under the chosen isolation. */
export function sandboxCommand(options: SandboxCommandOptions): SandboxCommand {
  const asUser =
    options.uid !== null && options.setpriv
      ? [`--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', '--no-new-privs']
      : [];
  const viaSetpriv = (command: string, args: string[]): { command: string; args: string[] } =>
    asUser.length > 0 ? { command: options.setpriv!, args: [...asUser, command, ...args] } : { command, args };
  if (options.kind === 'bubblewrap') {
    return {
      ...viaSetpriv(options.launcher, bwrapArgs(options)),
      work: BWRAP_WORK,
      home: `${BWRAP_SCRATCH}/home`,
      tmp: '/tmp',
    };
  }
  const work = options.hostWork!;
  const home = path.join(work, '.home');
  const tmp = path.join(work, '.tmp');
  const python = [options.python, '-I', '-c', options.source];
  if (options.kind === 'sandbox-exec') {
    const profile = sandboxExecProfile({ work, pythonPrefix: options.pythonPrefix });
    return { command: options.launcher, args: ['-p', profile, ...python], work, home, tmp };
  }
  return { ...viaSetpriv(python[0]!, python.slice(1)), work, home, tmp };
}
