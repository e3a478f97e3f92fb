import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Workbench } from '../../main/api/Workbench';
import { spawnNodeEngine } from '../../main/engine-supervisor/nodeEngineChild';
import { startHeadlessHost, type RunningHost } from '../../main/headless/HeadlessHost';
import { STORE_ENV } from '../../main/store/storeDir';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_DIR = path.join(REPO_ROOT, 'out', 'renderer');

export interface TestHost {
  workbench: Workbench;
  host: RunningHost;
  token: string;
  origin: string;
  storeDir: string;
  close(): Promise<void>;
}

/** A real headless host on a free loopback port, with a real engine child process. */
export async function startTestHost(options: { startupNotebook?: string } = {}): Promise<TestHost> {
  const storeDir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-store-'));
  const token = 'test-token-' + Math.random().toString(36).slice(2);
  const workbench = new Workbench({
    host: 'headless',
    storeDir,
    startupNotebook: options.startupNotebook ?? null,
    // The engine keeps its models (downloads, fixtures) in the same store as the host.
    spawnEngine: spawnNodeEngine({ env: { [STORE_ENV]: storeDir } }),
  });
  const host = await startHeadlessHost({ workbench, rendererDir: RENDERER_DIR, token, port: 0 });
  return {
    workbench,
    host,
    token,
    storeDir,
    origin: `http://127.0.0.1:${host.port}`,
    close: async () => {
      await host.close();
      await workbench.close();
    },
  };
}

/** Resolves when `predicate` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
