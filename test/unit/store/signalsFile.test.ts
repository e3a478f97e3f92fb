import { appendFile, mkdtemp, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TokenSignals } from '../../../common/api/contract/generation';
import { fromHalf, toHalf } from '../../../main/store/float16';
import { RunFiles, SAMPLES_FILE, TRAJECTORIES_FILE } from '../../../main/store/RunFiles';
import { summarizeRun } from '../../../main/store/runSummary';
import { SIGNALS_FILE } from '../../../main/store/signalBlocks';
import { SAMPLES_CACHE_FILE } from '../../../main/store/samplesCache';
import { sample, signalsOf, writeFirstLayoutFiles } from './sampleFactory';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'z1wb-signals-'));

/** What the signals file gives back for these values: each rounded to the nearest half. */
function asStored(signals: TokenSignals): TokenSignals {
  const half = (values: Array<number | null>) => values.map((v) => (v === null ? null : fromHalf(toHalf(v))));
  return {
    topK: signals.topK,
    logprob: half(signals.logprob),
    entropy: half(signals.entropy),
    confidence: half(signals.confidence),
  };
}

describe('float16: the per-token signal encoding', () => {
  it('encodes exactly the values a half holds, the limits and the special values', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(0.5)).toBe(0x3800);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(65519.99)).toBe(0x7bff);
    expect(toHalf(65520)).toBe(0x7c00);
    expect(toHalf(-Infinity)).toBe(0xfc00);
    expect(toHalf(2 ** -24)).toBe(0x0001);
    expect(toHalf(2 ** -14)).toBe(0x0400);
    expect(toHalf(0)).toBe(0);
    expect(toHalf(-0)).toBe(0x8000);
    expect(toHalf(NaN)).toBe(0x7e00);
    // Ties go to the even mantissa: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(fromHalf(0x3555)).toBe(0.333251953125);
    expect(fromHalf(0x7c00)).toBe(Infinity);
    expect(Number.isNaN(fromHalf(0x7e00))).toBe(true);
    for (let bits = 0; bits < 0x7c00; bits++) expect(toHalf(fromHalf(bits))).toBe(bits);
  });

  it('gives the nearest half, ties to the even one, for any double (checked against its neighbours)', () => {
    const wrong: number[] = [];
    const check = (x: number) => {
      const bits = toHalf(x);
      const error = Math.abs(fromHalf(bits) - x);
      const magnitude = bits & 0x7fff;
      for (const neighbour of [magnitude - 1, magnitude + 1]) {
        if (neighbour < 0 || neighbour > 0x7bff) continue;
        const other = Math.abs(fromHalf((bits & 0x8000) | neighbour) - x);
        if (other < error || (other === error && (magnitude & 1) === 1)) wrong.push(x);
      }
    };
    for (let bits = 0; bits < 0x7bff; bits++) {
      const a = fromHalf(bits);
      const b = fromHalf(bits + 1);
      for (const x of [(a + b) / 2, a + (b - a) * 0.25, a + (b - a) * 0.75, (a + b) / 2 + (b - a) * 1e-9]) {
        check(x);
        check(-x);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps every value within 2^-11 relative (2^-25 absolute below 2^-14), the stated precision', () => {
    let worst = 0;
    const beyond: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const x = (i % 2 ? -1 : 1) * Math.exp(((i * 7919) % 200_000) / 10_000 - 12); // 6e-6 … 1.6e3
      const error = Math.abs(fromHalf(toHalf(x)) - x);
      if (error > Math.max(2 ** -11 * Math.abs(x), 2 ** -25)) beyond.push(x);
      if (Math.abs(x) >= 2 ** -14) worst = Math.max(worst, error / Math.abs(x));
    }
    expect(beyond).toEqual([]);
    expect(worst).toBeGreaterThan(2 ** -12); // the bound is nearly attained, not loose
  });
});

describe("signals.bin: a run's per-token signals", () => {
  it('round-trips every sample (nulls, top-K) and is read one block at a time', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    const samples = Array.from({ length: 12 }, (_, i) => sample(i, { signals: i !== 4 }));
    await files.append(samples.slice(0, 5));
    await files.append(samples.slice(5));
    for (const s of samples) {
      const key = s.record.key;
      expect(files.hasSignals(key)).toBe(s.signals !== undefined);
      if (s.signals) expect(await files.readSignals(key)).toStrictEqual(asStored(s.signals));
    }
    await expect(files.readSignals('p4#0')).rejects.toThrow('sample "p4#0" has no recorded signals');
    await files.close();
    // 3 signals × 2 bytes per token, plus 14 bytes of header, the key padded to even and a crc32.
    const bytes = samples.reduce(
      (n, s) => n + (s.signals ? 6 * s.signals.logprob.length + ((14 + s.record.key.length + 1) & ~1) + 4 : 0),
      0,
    );
    expect((await stat(path.join(dir, SIGNALS_FILE))).size).toBe(bytes);

    // Reopened from the cache and by a full parse: the same offsets, the same values.
    for (const cache of [true, false]) {
      const reopened = await RunFiles.open(dir, { cache });
      expect(reopened.issues).toEqual([]);
      expect(await reopened.files.readSignals('p11#0')).toStrictEqual(asStored(samples[11]!.signals!));
      expect(reopened.files.hasSignals('p4#0')).toBe(false);
      await reopened.files.close();
    }
  });

  it('is never created for a run that records no signals', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await files.append([sample(0), sample(1)]);
    await files.close();
    expect((await readdir(dir)).sort()).toEqual([SAMPLES_CACHE_FILE, SAMPLES_FILE, TRAJECTORIES_FILE]);
    const reopened = await RunFiles.open(dir);
    expect(reopened.issues).toEqual([]);
    expect(reopened.files.hasSignals('p0#0')).toBe(false);
    await reopened.files.close();
  });

  it('a damaged block fails alone, naming the file and offset; opening and every other sample are untouched', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await files.append(Array.from({ length: 4 }, (_, i) => sample(i, { signals: true })));
    await files.close();
    const signalsPath = path.join(dir, SIGNALS_FILE);
    const bytes = await readFile(signalsPath);
    // The second block starts where the first ends: 22 bytes of framing + 6 per token (p0: 10 tokens).
    const second = 22 + 6 * 10;
    expect(bytes.toString('latin1', second, second + 4)).toBe('Z1SG');
    bytes[second + 40] = bytes[second + 40]! ^ 0x01;
    await writeFile(signalsPath, bytes);

    const reopened = await RunFiles.open(dir);
    expect(reopened.issues).toEqual([]);
    expect(reopened.files.count).toBe(4);
    await expect(reopened.files.readSignals('p1#0')).rejects.toThrow(
      `${signalsPath}: the signals of "p1#0" at byte offset ${second} are damaged (checksum mismatch)`,
    );
    for (const i of [0, 2, 3])
      expect(await reopened.files.readSignals(`p${i}#0`)).toStrictEqual(asStored(signalsOf(i, 10 + i)));
    expect(reopened.files.records()).toStrictEqual([0, 1, 2, 3].map((i) => sample(i).record));
    await reopened.files.close();
  });

  it('cuts off blocks no row points to (a crash before the row), keeping them aside; appends go on after', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await files.append([sample(0, { signals: true }), sample(1)]);
    await files.close();
    const signalsPath = path.join(dir, SIGNALS_FILE);
    const committed = (await stat(signalsPath)).size;
    await appendFile(signalsPath, Buffer.from('Z1SG\x01\x03\x14\x00torn'));

    const reopened = await RunFiles.open(dir);
    expect(reopened.issues).toHaveLength(1);
    expect(reopened.issues[0]).toMatchObject({ kind: 'truncated', file: signalsPath });
    expect(await readFile(reopened.issues[0]!.keptAs!, 'latin1')).toBe('Z1SG\x01\x03\x14\x00torn');
    expect((await stat(signalsPath)).size).toBe(committed);
    await reopened.files.append([sample(2, { signals: true })]);
    expect(await reopened.files.readSignals('p2#0')).toStrictEqual(asStored(signalsOf(2, 12)));
    await reopened.files.close();
    const again = await RunFiles.open(dir);
    expect(again.issues).toEqual([]);
    expect(await again.files.readSignals('p0#0')).toStrictEqual(asStored(signalsOf(0, 10)));
    expect(await again.files.readSignals('p2#0')).toStrictEqual(asStored(signalsOf(2, 12)));
    await again.files.close();
  });

  it('drops a sample whose signals never reached the disk, as one whose trajectory did not', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await files.append([sample(0, { signals: true }), sample(1, { signals: true })]);
    await files.close();
    await truncate(path.join(dir, SIGNALS_FILE), 22 + 6 * 10);
    const reopened = await RunFiles.open(dir);
    expect(reopened.issues.map((i) => [i.kind, i.message])).toEqual([
      [
        'missing',
        '1 sample(s) whose trajectory or signals were never written dropped; they will be generated again on resume',
      ],
    ]);
    expect(reopened.files.records().map((r) => r.key)).toEqual(['p0#0']);
    await reopened.files.close();
  });
});

describe('runs stored before signal summaries', () => {
  it('read with null summaries and no discarded tokens or probes, and are brought to the current columns once', async () => {
    const dir = await tempDir();
    const samples = Array.from({ length: 6 }, (_, i) => sample(i));
    await writeFirstLayoutFiles(dir, samples);

    const full = await RunFiles.open(dir, { cache: false });
    expect(full.issues).toEqual([]);
    expect(full.files.records()).toStrictEqual(samples.map((s) => s.record));
    await full.files.close();
    // The file now names the current columns; the cache is written and used.
    const rewritten = (await readFile(path.join(dir, SAMPLES_FILE), 'utf8')).split('\n');
    expect(JSON.parse(rewritten[0]!).columns).toContain('lowestGroupConfidence');
    const opened = await RunFiles.open(dir);
    expect(opened.files.records()).toStrictEqual(samples.map((s) => s.record));
    expect(opened.files.summarize(1)).toStrictEqual(
      summarizeRun(
        samples.map((s) => s.record),
        1,
      ),
    );
    await opened.files.append([sample(6, { signals: true })]);
    await opened.files.close();
    const again = await RunFiles.open(dir);
    expect(again.files.loaded).toEqual({ cachedSamples: 7, parsedLines: 0 });
    expect(await again.files.readTrajectory('p3#0')).toEqual(samples[3]!.trajectory);
    expect(await again.files.readSignals('p6#0')).toStrictEqual(asStored(signalsOf(6, 16)));
    await again.files.close();
  });
});
