import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedRecheck, ThreadCache } from '../../../main/engine/hardware/threads/threadCache';
import type { Recheck } from '../../../main/engine/hardware/threads/ThreadGovernor';

/** The thread cache's file, written through real files (docs/models.md, "Threads"). */
let dir: string;
let cache: ThreadCache;
const fileContent = async () => JSON.parse(await readFile(cache.file, 'utf8')) as unknown;

const loadTime = {
  threads: 2,
  measured: [
    { threads: 1, tokensPerSecond: 120 },
    { threads: 2, tokensPerSecond: 180 },
  ],
  measuredAt: '2026-12-01T10:00:00.000Z',
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-thread-cache-'));
  cache = new ThreadCache(dir);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the thread cache', () => {
  it("replaces a model's load-time entry with a re-check's result, and leaves the other models' entries", async () => {
    await cache.set('model-a', loadTime);
    await cache.set('model-b', { ...loadTime, threads: 1 });
    const recheck: Recheck = {
      at: '2026-12-05T04:50:00.000Z',
      from: 2,
      to: 1,
      measured: [
        { threads: 1, tokensPerSecond: 95.5 },
        { threads: 2, tokensPerSecond: 12.25 },
      ],
      batchTokens: 4,
    };
    await cache.set('model-a', cachedRecheck(recheck));
    expect(await fileContent()).toEqual({
      'model-a': {
        threads: 1,
        measured: [
          { threads: 1, tokensPerSecond: 95.5 },
          { threads: 2, tokensPerSecond: 12.25 },
        ],
        measuredAt: '2026-12-05T04:50:00.000Z',
        batchTokens: 4,
      },
      'model-b': { ...loadTime, threads: 1 },
    });
    expect(await cache.get('model-a')).toEqual(cachedRecheck(recheck));
  });

  it('keeps both of two writes made at once (each rewrites the whole file)', async () => {
    await Promise.all([cache.set('model-a', loadTime), cache.set('model-b', { ...loadTime, threads: 1 })]);
    expect(await fileContent()).toEqual({ 'model-a': loadTime, 'model-b': { ...loadTime, threads: 1 } });
  });

  it('takes an entry with a batch size that is not a positive whole number as missing (measured again)', async () => {
    await writeFile(
      cache.file,
      JSON.stringify({ 'model-a': { ...loadTime, batchTokens: 0 }, 'model-b': { ...loadTime, batchTokens: 2 } }),
    );
    expect(await cache.get('model-a')).toBeNull();
    expect(await cache.get('model-b')).toEqual({ ...loadTime, batchTokens: 2 });
  });
});
