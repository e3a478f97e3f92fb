import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSettings, type ModelSettings } from '../../../common/settings/model';
import { samplingSettings } from '../../../common/settings/sampling';
import { localBackendFor } from '../../../main/engine/local/LocalBackend';
import { contextThreadsOf } from '../../../main/engine/hardware/threads/contextThreads';
import { ThreadCache, threadCacheKey } from '../../../main/engine/hardware/threads/threadCache';
import { chooseThreads, threadCandidates } from '../../../main/engine/hardware/threads/threadChoice';
import { defaultThreadCount } from '../../../main/engine/hardware/physicalCores';
import { disposeWorkbenchLlama } from '../../../main/engine/hardware/workbenchLlama';
import { ModelRegistry } from '../../../main/engine/models/ModelRegistry';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { FileFingerprints } from '../../../main/fingerprints/fileFingerprint';
import { verifyFixturePath } from '../../../main/llama-builds/greedyTokens';
import { until } from '../cli/cliProcess';

/**
 * Threads by measurement (docs/models.md, "Threads") on real llama.cpp and the bench fixture.
 * Speeds are whatever this machine gives; the tests assert what the workbench does with the
 * numbers it measured (the choice rule, the cache, the switch), never the numbers themselves.
 */
let dir: string;
let benchPath: string;
/** The bench fixture's shape at a quarter of the width and blocks: under load every decode counts. */
let smallBenchPath: string;
let fingerprints: FileFingerprints;

const settings = (overrides: Partial<ModelSettings>): ModelSettings =>
  modelSettings.parse({ source: benchPath, contextSize: 256, ...overrides });

function registry(extra: Partial<ConstructorParameters<typeof ModelRegistry>[0]> = {}): ModelRegistry {
  return new ModelRegistry({ modelsDir: path.join(dir, 'models'), fingerprints, threadCacheDir: dir, ...extra });
}

async function cacheEntries(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(dir, 'thread-choices.json'), 'utf8').catch(() => '{}')) as Record<
    string,
    unknown
  >;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-threads-'));
  benchPath = await ensureFixtureFile('bench');
  smallBenchPath = await verifyFixturePath();
  fingerprints = new FileFingerprints({ cacheFile: path.join(dir, 'fingerprints.json') });
});

afterAll(async () => {
  await disposeWorkbenchLlama();
  await rm(dir, { recursive: true, force: true });
});

describe('the thread count of a model with threads: "auto"', () => {
  it('is measured at the first load, cached per model file, machine and build, and taken from the cache after', async () => {
    const first = registry();
    const loaded = await first.load(settings({ threads: 'auto' }));
    const choice = loaded.threadChoice!;
    expect(choice.source).toBe('measured');
    expect(choice.measured.map((m) => m.threads)).toEqual(threadCandidates(defaultThreadCount()));
    expect(loaded.threads).toBe(chooseThreads(choice.measured));
    const context = first.get(loaded.modelId).context;
    expect(contextThreadsOf(context).get()).toBe(loaded.threads);

    const llama = first.get(loaded.modelId).llama;
    const key = threadCacheKey({ modelSha256: loaded.info.sha256!, llama });
    const cached = await new ThreadCache(dir).get(key);
    expect(cached).toMatchObject({ threads: loaded.threads, measured: choice.measured });
    await first.dispose();

    const second = registry();
    const again = await second.load(settings({ threads: 'auto' }));
    expect(again.threadChoice).toEqual({ source: 'cache', measured: choice.measured });
    expect(again.threads).toBe(loaded.threads);
    expect(Object.keys(await cacheEntries())).toEqual([key]);
    await second.dispose();
  });

  it("uses the model cell's explicit count as given: no measurement, no cache entry, no governor", async () => {
    const before = await cacheEntries();
    const r = registry();
    const loaded = await r.load(settings({ threads: 1, contextSize: 320 }));
    expect(loaded.threads).toBe(1);
    expect(loaded.threadChoice).toEqual({ source: 'explicit', measured: [] });
    expect(contextThreadsOf(r.get(loaded.modelId).context).get()).toBe(1);
    expect(r.threadGovernor(loaded.modelId)).toBeUndefined();
    expect(await cacheEntries()).toEqual(before);
    await r.dispose();
  });
});

describe('re-checking the thread count while a model generates', () => {
  let busy: ChildProcess[] = [];

  afterAll(() => {
    for (const child of busy) child.kill('SIGKILL');
  });

  it('re-measures on live decodes when speed stays below half of the cached measurement, and switches to what it measured best', async () => {
    // A cached measurement no real decode can reach: every window is "below half", so the
    // re-check is certain; what it then measures under the injected load decides the count.
    const llamaProbe = registry();
    const probe = await llamaProbe.load(settings({ source: smallBenchPath, threads: 1, contextSize: 384 }));
    const key = threadCacheKey({ modelSha256: probe.info.sha256!, llama: llamaProbe.get(probe.modelId).llama });
    await llamaProbe.dispose();
    const max = defaultThreadCount();
    await new ThreadCache(dir).set(key, {
      threads: max,
      measured: threadCandidates(max).map((threads) => ({ threads, tokensPerSecond: 1e9 })),
      measuredAt: '2026-01-01T00:00:00.000Z',
    });

    const r = registry({ threadRecheck: { sustainMs: 1, minDecodes: 3, probeDecodes: 6 } });
    const loaded = await r.load(settings({ source: smallBenchPath, threads: 'auto', contextSize: 448 }));
    expect(loaded.threadChoice?.source).toBe('cache');
    expect(loaded.threads).toBe(max);
    const governor = r.threadGovernor(loaded.modelId)!;

    busy = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    const backend = localBackendFor(r.get(loaded.modelId));
    const sequence = await backend.acquireSequence();
    try {
      await sequence.start(await backend.tokenize('Threads under load:'));
      // A token at a time until the re-check is done (3 decodes to notice, 6 per count to measure).
      for (let i = 0; i < 200 && governor.history.length === 0; i++) {
        await sequence.generate({
          maxTokens: 1,
          sampling: samplingSettings.parse({ temperature: 0 }),
          seed: { sampleSeed: 1, stream: 'thinking' },
          stopStrings: [],
        });
      }
    } finally {
      sequence.release();
      for (const child of busy) child.kill('SIGKILL');
    }

    const recheck = governor.history[0]!;
    expect(recheck.from).toBe(max);
    expect(recheck.measured.map((m) => m.threads)).toEqual(threadCandidates(max));
    expect(recheck.to).toBe(chooseThreads(recheck.measured));
    expect(governor.threads).toBe(recheck.to);
    expect(contextThreadsOf(r.get(loaded.modelId).context).get()).toBe(recheck.to);
    await r.dispose();

    // The cache keeps what the re-check found (a race of single tokens), and the next load starts from it.
    const rechecked = { threads: recheck.to, measured: recheck.measured, measuredAt: recheck.at, batchTokens: 1 };
    await until(
      'the re-check in the cache',
      async () => (await new ThreadCache(dir).get(key))?.measuredAt === recheck.at,
      5000,
    );
    expect((await cacheEntries())[key]).toEqual(rechecked);
    const next = registry();
    const reloaded = await next.load(settings({ source: smallBenchPath, threads: 'auto', contextSize: 448 }));
    expect(reloaded.threads).toBe(recheck.to);
    expect(reloaded.threadChoice).toEqual({ source: 'cache', measured: recheck.measured });
    await next.dispose();
  });
});
