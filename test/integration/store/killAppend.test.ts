import { spawn } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFiles } from '../../../main/store/RunFiles';
import { summarizeRun } from '../../../main/store/runSummary';
import { sample } from '../../unit/store/sampleFactory';

const CHILD = path.resolve('test/integration/store/appendUntilKilled.ts');
const CACHE_AFTER = 2000;

describe('kill -9 while appending, with samples.cache', () => {
  it('loses only samples in flight; reopening (cache + tail) equals a full parse; resuming completes without duplicates', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-kill-'));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(CACHE_AFTER)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const durable = new Set<number>();
    let cached = false;
    let output = '';
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const lines = output.split('\n');
        output = lines.pop()!;
        for (const line of lines) {
          if (line === 'cached') cached = true;
          const m = /^durable (\d+) (\d+)$/.exec(line);
          if (m) for (let i = Number(m[1]); i < Number(m[2]); i++) durable.add(i);
        }
        // Well past the cached prefix, then kill -9 in the middle of appending.
        if (cached && durable.size >= CACHE_AFTER + 1500) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await exited;

    // Reopen a copy from the cache (its prefix) plus the lines after it, and one by full parse.
    const parsedDir = `${dir}-parsed`;
    await cp(dir, parsedDir, { recursive: true });
    const { files, issues } = await RunFiles.open(dir);
    const full = await RunFiles.open(parsedDir, { cache: false });
    expect(issues).toEqual([]);
    expect(full.issues).toEqual([]);
    expect(files.loaded.cachedSamples).toBe(CACHE_AFTER);
    expect(files.loaded.parsedLines).toBeGreaterThan(0);
    const records = files.records();
    expect(records).toStrictEqual(full.files.records());
    expect(files.summarize(4)).toStrictEqual(summarizeRun(full.files.records(), 4));
    // Every sample reported durable is there; nothing twice.
    const stored = new Set(records.map((r) => r.index));
    expect(stored.size).toBe(records.length);
    for (const i of durable) expect(stored.has(i)).toBe(true);
    await full.files.close();

    // Resume: append everything up to N; what is stored is skipped.
    const n = Math.max(...stored) + 40;
    const all = Array.from({ length: n }, (_, i) => sample(i, { samplesPerProblem: 4 }));
    for (let i = 0; i < n; i += 64) await files.append(all.slice(i, i + 64));
    await files.close();
    const resumed = await RunFiles.open(dir);
    expect(resumed.issues).toEqual([]);
    expect(resumed.files.loaded).toEqual({ cachedSamples: n, parsedLines: 0 });
    expect(resumed.files.records()).toStrictEqual(all.map((s) => s.record));
    expect(resumed.files.summarize(4)).toStrictEqual(
      summarizeRun(
        all.map((s) => s.record),
        4,
      ),
    );
    await resumed.files.close();
  });
});
