import { mkdir, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localBuildsDir, nodeLlamaCppBuildRunning } from '../../../main/llama-builds/nativeAddonBuild';

/**
 * Seeing a build node-llama-cpp runs (started by hand, or by an engine that died): its
 * proper-lockfile lock directories in llama/localBuilds, refreshed every 5 s while it runs. The
 * lock here has a name no build folder has, so no node-llama-cpp process waits on it.
 */
const lock = path.join(localBuildsDir(), `z1wb-test-${process.pid}.lock`);
/** A real build running on this machine right now would make every answer "yes". */
const otherBuild = await nodeLlamaCppBuildRunning();

afterEach(async () => {
  await rm(lock, { recursive: true, force: true });
});

describe.skipIf(otherBuild)("node-llama-cpp's build locks", () => {
  it('count as a running build while fresh, not once stale', async () => {
    await mkdir(lock, { recursive: true });
    expect(await nodeLlamaCppBuildRunning()).toBe(true);
    const old = new Date(Date.now() - 20_000);
    await utimes(lock, old, old);
    expect(await nodeLlamaCppBuildRunning()).toBe(false);
  });
});
