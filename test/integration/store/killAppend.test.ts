import { spawn } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFiles } from '../../../main/store/RunFiles';
import { summarizeRun } from '../../../main/store/runSummary';
import { SIGNALS_FILE } from '../../../main/store/signalBlocks';
import { fromHalf, toHalf } from '../../../main/store/float16';
import { sample } from '../../unit/store/sampleFactory';

const CHILD = path.resolve('test/integration/store/appendUntilKilled.ts');
const CACHE_AFTER = 2000;

/**
 * Runs the appending child on a fresh run folder and kills it (SIGKILL) once `killAfter`
 * samples are durable and the cache was saved; returns the folder and every sample reported durable.
 */
async function appendThenKill(args: string[], killAfter: number): Promise<{ dir: string; durable: Set<number> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-kill-'));
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, ...args], {
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
      if (cached && durable.size >= killAfter) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await exited;
  return { dir, durable };
}

describe('kill -9 while appending, with samples.cache', () => {
  it('loses only samples in flight; reopening (cache + tail) equals a full parse; resuming completes without duplicates', async () => {
    const { dir, durable } = await appendThenKill([String(CACHE_AFTER)], CACHE_AFTER + 1500);

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

  it('with per-token signals: every durable sample reads its signals back exactly; an uncommitted tail is cut off', async () => {
    const { dir, durable } = await appendThenKill(['800', 'signals'], 2000);
    const { files, issues } = await RunFiles.open(dir);
    // A kill between the writes of one append leaves signal blocks no row points to: only those go.
    for (const issue of issues) expect(issue).toMatchObject({ kind: 'truncated', file: path.join(dir, SIGNALS_FILE) });
    const records = files.records();
    const stored = new Set(records.map((r) => r.index));
    expect(stored.size).toBe(records.length);
    for (const i of durable) expect(stored.has(i)).toBe(true);
    const half = (values: Array<number | null>) => values.map((v) => (v === null ? null : fromHalf(toHalf(v))));
    for (const record of records) {
      const expected = sample(record.index, { samplesPerProblem: 4, signals: true }).signals!;
      const read = await files.readSignals(record.key);
      expect(read.logprob).toStrictEqual(half(expected.logprob));
      expect(read.entropy).toStrictEqual(half(expected.entropy));
      expect(read.confidence).toStrictEqual(half(expected.confidence));
    }
    // Resuming appends after the last committed block.
    const n = Math.max(...stored) + 8;
    const all = Array.from({ length: n }, (_, i) => sample(i, { samplesPerProblem: 4, signals: true }));
    await files.append(all);
    await files.close();
    const resumed = await RunFiles.open(dir);
    expect(resumed.issues).toEqual([]);
    expect(resumed.files.count).toBe(n);
    const last = all[n - 1]!;
    expect((await resumed.files.readSignals(last.record.key)).confidence).toStrictEqual(half(last.signals!.confidence));
    await resumed.files.close();
  });
});
