import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * What isolation this machine allows, found once by trying: util-linux `unshare` with new
 * network, mount and PID namespaces (as root directly; otherwise inside a new user namespace,
 * `--map-root-user`, where the kernel allows it), else the network namespace alone, else none.
 */
export interface SandboxCapabilities {
  isRoot: boolean;
  /** The `unshare` command line that precedes Python, or null when no namespace can be made. */
  unshare: string[] | null;
  network: boolean;
  pidNamespace: boolean;
  mountNamespace: boolean;
  userNamespace: boolean;
  notes: string[];
}

let probed: Promise<SandboxCapabilities> | null = null;

export function sandboxCapabilities(): Promise<SandboxCapabilities> {
  probed ??= probe();
  return probed;
}

function succeeds(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', timeout: 5000 });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

async function probe(): Promise<SandboxCapabilities> {
  const isRoot = process.getuid?.() === 0;
  const none: SandboxCapabilities = { isRoot, unshare: null, network: false, pidNamespace: false, mountNamespace: false, userNamespace: false, notes: [] };
  if (process.platform !== 'linux') return { ...none, notes: [`no namespaces on ${process.platform}: network not isolated`] };
  const unshare = ['/usr/bin/unshare', '/bin/unshare'].find((path) => existsSync(path));
  if (!unshare) return { ...none, notes: ['util-linux unshare not found: network not isolated'] };
  const truePath = ['/usr/bin/true', '/bin/true'].find((path) => existsSync(path)) ?? 'true';
  const user = isRoot ? [] : ['--map-root-user'];
  const full = [unshare, ...user, '--net', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc'];
  if (await succeeds(full[0]!, [...full.slice(1), truePath])) {
    return { isRoot, unshare: full, network: true, pidNamespace: true, mountNamespace: true, userNamespace: !isRoot, notes: [] };
  }
  const netOnly = [unshare, ...user, '--net'];
  if (await succeeds(netOnly[0]!, [...netOnly.slice(1), truePath])) {
    return {
      isRoot,
      unshare: netOnly,
      network: true,
      pidNamespace: false,
      mountNamespace: false,
      userNamespace: !isRoot,
      notes: ['no PID or mount namespace: processes that leave the process group survive it, /tmp is shared'],
    };
  }
  return { ...none, notes: ['unshare refused to create a network namespace here: network not isolated'] };
}
