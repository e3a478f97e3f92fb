import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeWorkbenchLlama, getWorkbenchLlama } from '../../../main/engine/hardware/workbenchLlama';
import { ensureLlamaCppTools, findLlamaCppTools } from '../../../main/llama-builds/llamaCppTools';
import { nativeAddonStatus } from '../../../main/llama-builds/nativeAddonBuild';

const execFileAsync = promisify(execFile);

/**
 * The optional native builds take ~5 minutes of both cores each, so this file never builds: it
 * checks what a cached build gives (made by `bench/suites/llamaBench.ts` or
 * `node --import tsx main/llama-builds/buildNative.ts llama-tools|addon`) and skips otherwise.
 */
const tools = await findLlamaCppTools();
const addon = await nativeAddonStatus();

afterAll(async () => {
  await disposeWorkbenchLlama();
});

describe('optional native builds, when cached', () => {
  it.skipIf(!tools)('returns the cached llama-bench and llama-server of the bundled llama.cpp commit at once', async () => {
    const started = performance.now();
    const ensured = await ensureLlamaCppTools();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(ensured).toEqual(tools);
    const { stdout, stderr } = await execFileAsync(ensured.llamaServer, ['--version']);
    expect(stdout + stderr).toContain(ensured.commit.slice(0, 7));
  });

  it.skipIf(!addon.available)('uses the native build of the addon when asked for it (auto waits for its check)', async () => {
    const llama = await getWorkbenchLlama({ build: 'native' });
    expect(llama.buildType).toBe('localBuild');
    expect(llama.systemInfo).toContain('OPENMP = 1');
  });
});
