import { cp, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SampleRecord, StoreIssue } from '../../../common/api/contract/runs';
import { RunFiles, SAMPLES_FILE, type SampleWithTrajectory, TRAJECTORIES_FILE } from '../../../main/store/RunFiles';
import { summarizeColumns, summarizeRun } from '../../../main/store/runSummary';
import { SampleColumns } from '../../../main/store/sampleColumns';
import { SAMPLES_CACHE_FILE } from '../../../main/store/samplesCache';
import { histogram, mean, median, seededRandom, tokenStats } from '../../../main/store/statistics';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'z1wb-cache-'));

const K = 4;

/**
 * Varied samples: K per problem, every outcome, null and repeated answers (majority-vote ties),
 * null thinking counts and cut positions, fractional timings, and strings that need escaping or
 * are not ASCII.
 */
function varied(index: number, random: () => number): SampleWithTrajectory {
  const problem = Math.floor(index / K);
  const problemId = problem % 7 === 3 ? `q"${problem}\\π` : `q${problem}`;
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const outcome = pick(['correct', 'correct', 'wrong', 'wrong', 'unparsed', 'error'] as const);
  const answerKey = outcome === 'unparsed' || outcome === 'error' ? null : pick(['42', '17', '\\frac{1}{2}', 'ü']);
  const phase1 = Math.floor(random() * 900);
  const cut = phase1 > 600;
  const record: SampleRecord = {
    key: `${problemId}#${index % K}`,
    index,
    problemId,
    sampleIndex: index % K,
    seed: Math.floor(random() * 2 ** 32),
    phase1Tokens: phase1,
    delimitedThinkingTokens: random() < 0.3 ? null : Math.max(0, phase1 - 1),
    answerTokens: Math.floor(random() * 40),
    totalTokens: phase1 + 40,
    cut,
    cutAt: cut ? 600 : null,
    stopReason: pick(['end-of-generation', 'max-tokens', 'stop-string'] as const),
    extensions: Math.floor(random() * 3),
    outcome,
    correct: outcome === 'correct',
    extracted: answerKey === null ? null : `${answerKey} `,
    answerKey,
    gold: problem % 5 === 0 ? null : '42',
    generateMs: Math.round(random() * 1e6) / 1000,
    tokensPerSecond: random() * 300,
    meanLogprob: random() < 0.2 ? null : -random() * 3,
    meanEntropy: random() < 0.2 ? null : random() * 4,
    meanConfidence: random() < 0.2 ? null : 3 + random() * 10,
    lowestGroupConfidence: random() < 0.2 ? null : 3 + random() * 5,
    bottomGroupConfidence: random() < 0.2 ? null : Math.round(random() * 1e6) / 1e6,
    tailConfidence: random() < 0.2 ? null : 12.5,
    discardedTokens: random() < 0.5 ? 0 : Math.floor(random() * 400),
    probeCount: Math.floor(random() * 4),
  };
  const trajectory = {
    key: record.key,
    message: `Problem ${problemId}`,
    text: 'x'.repeat(phase1 % 50),
    segments: [],
    cutAt: record.cutAt,
    hintOffset: null,
    grade: { outcome },
  };
  return { record, trajectory };
}

/** A row's file positions where they do not matter. */
const NOWHERE = { t: [0, 0] as [number, number], s: null };

/** Appends samples `from..to` in a shuffled order and in batches, as parallel sequences finish. */
async function appendShuffled(files: RunFiles, from: number, to: number, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const all = Array.from({ length: to - from }, (_, i) => varied(from + i, seededRandom(from + i)));
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  for (let i = 0; i < all.length; i += 7) await files.append(all.slice(i, i + 7));
}

/** Issues without what depends on the folder or the clock. */
function comparable(issues: StoreIssue[], dir: string) {
  return issues.map((i) => ({
    kind: i.kind,
    file: path.relative(dir, i.file),
    message: i.message,
    keptAs: i.keptAs === null ? null : path.relative(dir, i.keptAs).replace(/\d{4}-\d\d-\d\dT[\d-]+Z/, 'STAMP'),
  }));
}

/**
 * Opens copies of a run folder with the cache and with the full parse (every line through
 * JSON.parse, the old path) and checks that they agree exactly: issues, records, and the
 * summary from the columns against summarizeRun over the fully parsed records.
 */
async function openBothWays(dir: string) {
  const cached = `${dir}-cached`;
  const parsed = `${dir}-parsed`;
  await cp(dir, cached, { recursive: true });
  await cp(dir, parsed, { recursive: true });
  const a = await RunFiles.open(cached);
  const b = await RunFiles.open(parsed, { cache: false });
  expect(comparable(a.issues, cached)).toEqual(comparable(b.issues, parsed));
  expect(a.files.records()).toStrictEqual(b.files.records());
  for (const k of [1, K]) {
    const reference = summarizeRun(b.files.records(), k);
    expect(a.files.summarize(k)).toStrictEqual(reference);
    expect(b.files.summarize(k)).toStrictEqual(reference);
  }
  // The repaired files are the same bytes too.
  expect(await readFile(path.join(cached, SAMPLES_FILE))).toEqual(await readFile(path.join(parsed, SAMPLES_FILE)));
  await b.files.close();
  return a;
}

describe('samples.cache', () => {
  it('reopens a run from the cache with exactly the records and summary of a full parse', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await appendShuffled(files, 0, 400, 1);
    const inSession = files.summarize(K);
    await files.close(); // saves the cache
    expect((await stat(path.join(dir, SAMPLES_CACHE_FILE))).size).toBeGreaterThan(0);

    const a = await openBothWays(dir);
    expect(a.issues).toEqual([]);
    expect(a.files.loaded).toEqual({ cachedSamples: 400, parsedLines: 0 });
    expect(a.files.summarize(K)).toStrictEqual(inSession);
    expect(a.files.summarize(K).majorityAccuracy).not.toBeNull();
    // Each column in the narrowest type that gives its values back exactly (checked just above).
    const header = JSON.parse((await readFile(path.join(dir, SAMPLES_CACHE_FILE), 'latin1')).split('\n')[0]!);
    const types = Object.fromEntries((header.columns as Array<[string, string]>).map(([name, type]) => [name, type]));
    expect(types).toMatchObject({
      seed: 'u32',
      cutAt: 'i32n', // 600 or null
      generateMs: 'd6', // thousandths
      bottomGroupConfidence: 'd6', // millionths or null
      tailConfidence: 'd6',
      meanLogprob: 'f64', // full doubles
      tokensPerSecond: 'f64',
      discardedTokens: 'u16',
      sOffset: 'null', // no signals recorded
      sLength: 'null',
    });
    expect(a.files.records().map((r) => r.index)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    // Keys, lookups and trajectories work from the cache; a resumed append skips what is stored.
    expect(a.files.has(a.files.records()[123]!.key)).toBe(true);
    expect(a.files.get(a.files.records()[5]!.key)).toStrictEqual(a.files.records()[5]);
    expect((await a.files.readTrajectory(a.files.records()[9]!.key)).key).toBe(a.files.records()[9]!.key);
    await a.files.append([varied(3, seededRandom(3)), varied(400, seededRandom(400))]);
    expect(a.files.count).toBe(401);
    await a.files.close();
  });

  it('reads lines appended after the cache and agrees with a full parse on a damaged tail and a torn last record', async () => {
    const dir = await tempDir();
    let { files } = await RunFiles.open(dir);
    await appendShuffled(files, 0, 200, 2);
    await files.close(); // cache covers 200 samples
    ({ files } = await RunFiles.open(dir));
    await appendShuffled(files, 200, 260, 3);
    await files.close({ saveCache: false }); // as after a kill -9: the cache still covers 200
    const samplesPath = path.join(dir, SAMPLES_FILE);
    const lines = (await readFile(samplesPath, 'utf8')).split('\n');
    // Line 230 (a sample appended after the cache) gets a flipped digit; a row is torn at the end.
    lines[229] = lines[229]!.replace(/^\[(\d)/, (_m, d: string) => `[${(Number(d) + 1) % 10}`);
    await writeFile(samplesPath, lines.join('\n') + lines[5]!.slice(0, 40));

    const a = await openBothWays(dir);
    expect(a.files.loaded.cachedSamples).toBe(200);
    expect(a.issues.map((i) => i.kind)).toEqual(['corrupt', 'truncated']);
    expect(a.issues[0]!.message).toContain('line 230: checksum mismatch');
    expect(a.files.count).toBe(259);
    await a.files.close();
    // Repaired and re-cached: the next open reads nothing but the cache and finds nothing wrong.
    const again = await RunFiles.open(`${dir}-cached`);
    expect(again.issues).toEqual([]);
    expect(again.files.loaded).toEqual({ cachedSamples: 259, parsedLines: 0 });
    await again.files.close();
  });

  it('is not used when a line it covers changed: the damage is found and reported as without it', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await appendShuffled(files, 0, 120, 4);
    await files.close();
    const samplesPath = path.join(dir, SAMPLES_FILE);
    const text = await readFile(samplesPath, 'utf8');
    const at = text.indexOf('\n', text.length >> 1) - 3; // inside the checksum of a middle line
    await writeFile(samplesPath, text.slice(0, at) + (text[at] === '0' ? '1' : '0') + text.slice(at + 1));

    const a = await openBothWays(dir);
    expect(a.files.loaded.cachedSamples).toBe(0);
    expect(a.issues).toHaveLength(1);
    expect(a.issues[0]).toMatchObject({ kind: 'corrupt', message: expect.stringContaining('checksum mismatch') });
    expect(a.files.count).toBe(119);
    await a.files.close();
  });

  it('is not used when a trajectory it points to is gone', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await appendShuffled(files, 0, 50, 5);
    await files.close();
    const trajectories = path.join(dir, TRAJECTORIES_FILE);
    const bytes = await readFile(trajectories);
    await truncate(trajectories, bytes.lastIndexOf(0x0a, bytes.length - 2) + 1);

    const a = await openBothWays(dir);
    expect(a.files.loaded.cachedSamples).toBe(0);
    expect(a.issues.map((i) => i.kind)).toEqual(['missing']);
    expect(a.files.count).toBe(49);
    await a.files.close();
  });

  it('is ignored (and rebuilt) when it is damaged, stale or missing, without touching samples.jsonl', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await appendShuffled(files, 0, 80, 6);
    await files.close();
    const cachePath = path.join(dir, SAMPLES_CACHE_FILE);
    const samplesPath = path.join(dir, SAMPLES_FILE);
    const samples = await readFile(samplesPath);
    const cache = await readFile(cachePath);
    for (const damage of [
      () =>
        writeFile(
          cachePath,
          Buffer.concat([cache.subarray(0, 600), Buffer.from([cache[600]! ^ 1]), cache.subarray(601)]),
        ),
      () => writeFile(cachePath, cache.subarray(0, cache.length - 9)),
      () => writeFile(cachePath, 'not a cache'),
      () => rm(cachePath),
    ]) {
      await damage();
      const a = await openBothWays(dir);
      expect(a.issues).toEqual([]);
      expect(a.files.loaded).toEqual({ cachedSamples: 0, parsedLines: 81 });
      await a.files.close();
      expect(await readFile(samplesPath)).toEqual(samples);
      const again = await RunFiles.open(`${dir}-cached`);
      expect(again.files.loaded).toEqual({ cachedSamples: 80, parsedLines: 0 });
      await again.files.close();
      await rm(`${dir}-cached`, { recursive: true });
      await rm(`${dir}-parsed`, { recursive: true });
    }
  });

  it('is not written for rows the columns cannot hold exactly; those runs summarize from records', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await appendShuffled(files, 0, 20, 7);
    await files.close();
    // A hand-edited row (checksum recomputed) with a string where a count belongs.
    const samplesPath = path.join(dir, SAMPLES_FILE);
    const lines = (await readFile(samplesPath, 'utf8')).split('\n');
    const row = JSON.parse(lines[3]!) as unknown[];
    row.pop();
    row[5] = String(row[5]);
    const prefix = JSON.stringify(row).slice(0, -1);
    lines[3] = `${prefix},"${crc32(prefix).toString(16).padStart(8, '0')}"]`;
    await writeFile(samplesPath, lines.join('\n'));
    await rm(path.join(dir, SAMPLES_CACHE_FILE));

    const a = await openBothWays(dir);
    expect(a.issues).toEqual([]);
    expect(a.files.records().some((r) => typeof r.phase1Tokens === 'string')).toBe(true);
    await a.files.close();
    await expect(stat(path.join(`${dir}-cached`, SAMPLES_CACHE_FILE))).rejects.toThrow();
  });
});

describe('summarizeColumns', () => {
  it('equals summarizeRun on the same records, whatever order they were appended in', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = seededRandom(seed);
      const records = Array.from({ length: 300 }, (_, i) => varied(i, seededRandom(seed * 1000 + i)).record);
      const shuffled = [...records].sort(() => random() - 0.5);
      const columns = new SampleColumns(4);
      for (const r of shuffled) {
        expect(columns.setRecord(columns.length, r, NOWHERE)).toBe(true);
        columns.length++;
      }
      for (const k of [1, 2, K]) {
        expect(summarizeColumns(columns, columns.planOrder(), k)).toStrictEqual(summarizeRun(records, k));
      }
      const order = columns.planOrder();
      expect(Array.from(order, (row) => columns.record(row))).toStrictEqual(records);
    }
  });

  it('keeps ties in file order when indices repeat or are far apart', () => {
    const columns = new SampleColumns();
    const indices = [5, 1e9, 5, -3, 2.5, 1e9];
    indices.forEach((index, i) => {
      columns.setRecord(i, { ...varied(i, seededRandom(i)).record, index }, NOWHERE);
      columns.length++;
    });
    expect(Array.from(columns.planOrder())).toEqual([3, 4, 0, 2, 1, 5]);
    const counted = new SampleColumns();
    [2, 0, 2, 1].forEach((index, i) => {
      counted.setRecord(i, { ...varied(i, seededRandom(i)).record, index }, NOWHERE);
      counted.length++;
    });
    expect(Array.from(counted.planOrder())).toEqual([1, 3, 0, 2]);
  });
});

describe('median', () => {
  it('counts small integer values and sorts anything else, with the same results', () => {
    const random = seededRandom(9);
    for (const n of [64, 65, 100, 1001]) {
      const ints = Array.from({ length: n }, () => Math.floor(random() * 50));
      const floats = ints.map((v) => v + 0.5);
      const sortedMedian = (values: number[]) => {
        const s = Float64Array.from(values).sort();
        return n % 2 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2;
      };
      expect(median(ints)).toBe(sortedMedian(ints));
      expect(median(floats)).toBe(sortedMedian(floats));
      // tokenStats counts values once for the median and the bins: the same as the separate functions.
      for (const values of [ints, floats, ints.map((v) => v * 1000)]) {
        expect(tokenStats(values)).toStrictEqual({
          count: n,
          mean: mean(values),
          median: sortedMedian(values),
          min: Math.min(...values),
          max: Math.max(...values),
          histogram: histogram(values),
        });
      }
    }
  });
});
