import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bwrapArgs, type SandboxKind } from './sandboxCommand';

/** What isolation this machine offers for code tests, found once by trying it. */
export interface SandboxCapabilities {
  isRoot: boolean;
  /** The supported sandbox, or null when there is none (then code tests are refused unless settings say "none"). */
  kind: Exclude<SandboxKind, 'none'> | null;
  /** bwrap or sandbox-exec. */
  launcher: string | null;
  /** util-linux setpriv: as root, bwrap runs under a user id of its own so that RLIMIT_NPROC holds. */
  setpriv: string | null;
  /** Why there is no sandbox and what to install, when kind is null. */
  missing: string | null;
}

const OPT_OUT =
  'or set "sandbox": "none" in the code grader settings to run tests without isolation (recorded with every grade)';

let probed: Promise<SandboxCapabilities> | null = null;

export function sandboxCapabilities(): Promise<SandboxCapabilities> {
  probed ??= probeSandbox({
    platform: process.platform,
    isRoot: process.getuid?.() === 0,
    find: findExecutable,
    exists: existsSync,
    tryRun,
  });
  return probed;
}

/** What the probe looks at, passed in so that other platforms can be simulated in unit tests. */
export interface SandboxProbeEnvironment {
  platform: NodeJS.Platform;
  isRoot: boolean;
  find: (name: string) => string | null;
  exists: (file: string) => boolean;
  tryRun: (command: string, args: string[]) => Promise<{ ok: boolean; stderr: string }>;
}

/** An executable in the usual system places or on PATH. */
export function findExecutable(name: string): string | null {
  const dirs = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', ...(process.env['PATH'] ?? '').split(path.delimiter)];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

function tryRun(command: string, args: string[]): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => resolve({ ok: false, stderr: error.message }));
    child.on('close', (code) => resolve({ ok: code === 0, stderr: stderr.trim() }));
  });
}

/** A probe user id as root: the same kind of id the tests get. */
export const PROBE_UID = 1_499_999_999;

export async function probeSandbox(env: SandboxProbeEnvironment): Promise<SandboxCapabilities> {
  const { isRoot } = env;
  const none = { isRoot, kind: null, launcher: null, setpriv: null };
  if (env.platform === 'darwin') {
    const launcher = env.exists('/usr/bin/sandbox-exec') ? '/usr/bin/sandbox-exec' : null;
    if (launcher) return { isRoot, kind: 'sandbox-exec', launcher, setpriv: null, missing: null };
    return {
      ...none,
      missing: `code tests need a sandbox: /usr/bin/sandbox-exec (part of macOS) was not found; ${OPT_OUT}`,
    };
  }
  if (env.platform !== 'linux') {
    return {
      ...none,
      missing: `code tests need a sandbox and none is supported on ${env.platform}: run the workbench under WSL 2 or Linux with bubblewrap installed, ${OPT_OUT}`,
    };
  }
  const bwrap = env.find('bwrap');
  if (!bwrap) {
    return {
      ...none,
      missing: `code tests need a sandbox: install bubblewrap (Debian/Ubuntu: sudo apt install bubblewrap; Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap), ${OPT_OUT}`,
    };
  }
  const setpriv = isRoot ? env.find('setpriv') : null;
  if (isRoot && !setpriv) {
    return {
      ...none,
      missing: `running as root, the sandbox needs util-linux setpriv to leave root before bwrap (apt install util-linux); ${OPT_OUT}`,
    };
  }
  const truePath = env.find('true') ?? '/usr/bin/true';
  const args = bwrapArgs({ python: truePath, pythonPrefix: null, scratchBytes: 1 << 20, source: '' }).slice(0, -3);
  const trial = setpriv
    ? await env.tryRun(setpriv, [
        `--reuid=${PROBE_UID}`,
        `--regid=${PROBE_UID}`,
        '--clear-groups',
        '--no-new-privs',
        bwrap,
        ...args,
      ])
    : await env.tryRun(bwrap, args);
  if (!trial.ok) {
    return {
      ...none,
      missing:
        `bubblewrap is installed but could not make a sandbox here (${trial.stderr.split('\n').at(-1) || 'no message'}): ` +
        `unprivileged user namespaces must be allowed (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04+ also kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap), ${OPT_OUT}`,
    };
  }
  return { isRoot, kind: 'bubblewrap', launcher: bwrap, setpriv, missing: null };
}
