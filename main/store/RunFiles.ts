import { closeSync, fsync, openSync, writeSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SampleRecord, StoreIssue, Trajectory } from '../../common/api/contract/runs';
import { fileTimestamp, syncDirectory, writeFileAtomic } from './atomicWrite';
import { decodeLine, encodeLine, encodeRowLine, forEachTextLine } from './checksummedLines';

export const SAMPLES_FILE = 'samples.jsonl';
export const TRAJECTORIES_FILE = 'trajectories.jsonl';

/** A sample on disk: the record plus where its trajectory line sits ([offset, bytes]). */
type StoredSample = SampleRecord & { t: [number, number] };

export const SAMPLES_FORMAT = 'z1-samples';

/** Column order of a sample row (the header line names it, so files can gain columns later). */
export const SAMPLE_COLUMNS = [
  'index',
  'key',
  'problemId',
  'sampleIndex',
  'seed',
  'phase1Tokens',
  'delimitedThinkingTokens',
  'answerTokens',
  'totalTokens',
  'cut',
  'cutAt',
  'stopReason',
  'extensions',
  'outcome',
  'correct',
  'extracted',
  'answerKey',
  'gold',
  'generateMs',
  'tokensPerSecond',
  't',
] as const satisfies ReadonlyArray<keyof StoredSample>;

function samplesHeader(): string {
  return encodeLine({ format: SAMPLES_FORMAT, version: 1, columns: SAMPLE_COLUMNS }).toString();
}

function sampleToRow(record: SampleRecord, t: [number, number]): unknown[] {
  return SAMPLE_COLUMNS.map((column) => (column === 't' ? t : record[column]));
}

/** A row back into a record, by the file's own column names; null when it is not a sample. */
const CURRENT_COLUMNS = SAMPLE_COLUMNS.join(',');

function rowToSample(
  row: unknown[],
  columns: readonly string[],
  tAt: number,
): { record: SampleRecord; t: [number, number] } | null {
  let record: Record<string, unknown>;
  if (columns === SAMPLE_COLUMNS) {
    // The common case as one object literal: a single hidden class, several times faster to build.
    record = {
      index: row[0],
      key: row[1],
      problemId: row[2],
      sampleIndex: row[3],
      seed: row[4],
      phase1Tokens: row[5],
      delimitedThinkingTokens: row[6],
      answerTokens: row[7],
      totalTokens: row[8],
      cut: row[9],
      cutAt: row[10],
      stopReason: row[11],
      extensions: row[12],
      outcome: row[13],
      correct: row[14],
      extracted: row[15],
      answerKey: row[16],
      gold: row[17],
      generateMs: row[18],
      tokensPerSecond: row[19],
    };
  } else {
    record = {};
    for (let i = 0; i < columns.length; i++) if (i !== tAt) record[columns[i]!] = row[i];
  }
  const t = row[tAt];
  if (typeof record.key !== 'string' || typeof record.index !== 'number' || !Array.isArray(t) || t.length !== 2)
    return null;
  return { record: record as unknown as SampleRecord, t: t as [number, number] };
}

export interface SampleWithTrajectory {
  record: SampleRecord;
  trajectory: Trajectory;
}

/**
 * The per-run files beside the index: `samples.jsonl` (one small graded record per sample, the
 * commit marker) and `trajectories.jsonl` (texts and segments, read only when asked for).
 * Both are append-only. A sample is written trajectory first, then its record; it counts as done
 * once both are fsynced. fsyncs are batched: one runs at a time, covering every write made
 * before it started (group commit), so throughput does not pay one fsync per sample.
 */
export class RunFiles {
  private readonly byKey: Map<string, SampleRecord>;
  /** Where each sample's trajectory line sits in trajectories.jsonl: [offset, bytes]. */
  private readonly trajectoryAt: Map<string, [number, number]>;
  private sorted: SampleRecord[] | null = null;
  private samplesFd: number | null = null;
  private trajectoriesFd: number | null = null;
  private trajectoriesSize: number;
  private written = 0;
  private synced = 0;
  private syncing: Promise<void> | null = null;
  private waiters: Array<{ upTo: number; resolve: () => void; reject: (error: Error) => void }> = [];
  private failure: Error | null = null;
  private headerWritten: boolean;

  private constructor(
    readonly dir: string,
    byKey: Map<string, SampleRecord>,
    trajectoryAt: Map<string, [number, number]>,
    trajectoriesSize: number,
  ) {
    this.byKey = byKey;
    this.trajectoryAt = trajectoryAt;
    this.trajectoriesSize = trajectoriesSize;
    this.headerWritten = byKey.size > 0;
  }

  /**
   * Opens (creating if needed) a run's files and checks them. Damage is repaired only after the
   * damaged bytes are kept aside beside the file, and every repair is returned as an issue.
   */
  static async open(dir: string): Promise<{ files: RunFiles; issues: StoreIssue[] }> {
    await mkdir(dir, { recursive: true });
    const issues: StoreIssue[] = [];
    const samplesPath = path.join(dir, SAMPLES_FILE);
    const trajectoriesPath = path.join(dir, TRAJECTORIES_FILE);
    const now = new Date();
    const stamp = fileTimestamp(now);
    const report = (kind: StoreIssue['kind'], file: string, message: string, keptAs: string | null) =>
      issues.push({ kind, file, message, keptAs, at: now.toISOString() });

    // Trajectories: only the tail is checked here (the file can be large); lines are verified when read.
    let trajectoriesSize = (await sizeOf(trajectoriesPath)) ?? 0;
    if (trajectoriesSize > 0) {
      const tail = await lastNewline(trajectoriesPath, trajectoriesSize);
      if (tail + 1 < trajectoriesSize) {
        const keptAs = `${trajectoriesPath}.torn-${stamp}`;
        await keepTail(trajectoriesPath, tail + 1, trajectoriesSize, keptAs);
        await truncate(trajectoriesPath, tail + 1);
        report(
          'truncated',
          trajectoriesPath,
          `the last ${trajectoriesSize - tail - 1} bytes are an unfinished write; kept aside and cut off`,
          keptAs,
        );
        trajectoriesSize = tail + 1;
      }
    }

    const text = await readFile(samplesPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const byKey = new Map<string, SampleRecord>();
    const trajectoryAt = new Map<string, [number, number]>();
    let duplicates = 0;
    let missing = 0;
    const badLines: Array<{ line: number; error: string }> = [];
    let columns: readonly string[] = SAMPLE_COLUMNS;
    let tAt = columns.indexOf('t');
    const tornTail = forEachTextLine(
      text,
      (line, value) => {
        if (!Array.isArray(value)) {
          const header = value as { format?: unknown; columns?: unknown };
          if (line === 1 && header.format === SAMPLES_FORMAT && Array.isArray(header.columns)) {
            columns =
              (header.columns as string[]).join(',') === CURRENT_COLUMNS
                ? SAMPLE_COLUMNS
                : (header.columns as string[]);
            tAt = columns.indexOf('t');
          } else badLines.push({ line, error: 'not a sample row' });
          return;
        }
        const sample = rowToSample(value, columns, tAt);
        if (!sample) return void badLines.push({ line, error: 'not a sample row' });
        if (byKey.has(sample.record.key)) return void duplicates++;
        if (sample.t[0] + sample.t[1] > trajectoriesSize) return void missing++;
        byKey.set(sample.record.key, sample.record);
        trajectoryAt.set(sample.record.key, sample.t);
      },
      (line, error) => badLines.push({ line, error }),
    );
    const bad = badLines.sort((a, b) => a.line - b.line);
    let keptWhole: string | null = null;
    if (bad.length > 0 || duplicates > 0 || missing > 0) {
      keptWhole = `${samplesPath}.corrupt-${stamp}`;
      await copyFile(samplesPath, keptWhole);
      if (bad.length > 0) {
        const where = bad
          .slice(0, 5)
          .map((b) => `line ${b.line}: ${b.error}`)
          .join('; ');
        report(
          'corrupt',
          samplesPath,
          `${bad.length} damaged line(s) dropped (${where}${bad.length > 5 ? '; …' : ''}); those samples will be generated again on resume`,
          keptWhole,
        );
      }
      if (duplicates > 0)
        report(
          'duplicate',
          samplesPath,
          `${duplicates} repeated sample(s) dropped (the first copy is kept)`,
          keptWhole,
        );
      if (missing > 0)
        report(
          'missing',
          samplesPath,
          `${missing} sample(s) whose trajectory was never written dropped; they will be generated again on resume`,
          keptWhole,
        );
    }
    if (tornTail !== null) {
      let keptAs = keptWhole;
      if (!keptAs) {
        keptAs = `${samplesPath}.torn-${stamp}`;
        await writeFile(keptAs, tornTail);
      }
      report(
        'truncated',
        samplesPath,
        `the last ${Buffer.byteLength(tornTail)} bytes are an unfinished write; kept aside and cut off`,
        keptAs,
      );
    }
    if (issues.some((i) => i.file === samplesPath)) {
      // Rewritten in the current column order, header first.
      const rows = [...byKey.values()].map((record) =>
        encodeRowLine(sampleToRow(record, trajectoryAt.get(record.key)!)),
      );
      await writeFileAtomic(samplesPath, rows.length > 0 ? samplesHeader() + rows.join('') : '');
    }
    return { files: new RunFiles(dir, byKey, trajectoryAt, trajectoriesSize), issues };
  }

  get count(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Every stored sample in plan order (problem order, then sample index). */
  records(): readonly SampleRecord[] {
    if (!this.sorted) {
      this.sorted = [...this.byKey.values()].sort((a, b) => a.index - b.index);
    }
    return this.sorted;
  }

  get(key: string): SampleRecord | undefined {
    return this.byKey.get(key);
  }

  /**
   * Writes samples (trajectory lines first, then the records) and resolves once they are on disk.
   * A sample whose key is already stored is skipped, so a resumed run never holds a duplicate.
   */
  append(entries: SampleWithTrajectory[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const fresh = entries.filter((e) => !this.byKey.has(e.record.key));
    if (fresh.length === 0) return this.whenSynced(this.written);
    this.openForAppend();
    const trajectoryLines = fresh.map((e) => encodeLine(e.trajectory));
    const stored: Array<{ record: SampleRecord; t: [number, number] }> = [];
    let offset = this.trajectoriesSize;
    for (let i = 0; i < fresh.length; i++) {
      const line = trajectoryLines[i]!;
      stored.push({ record: fresh[i]!.record, t: [offset, line.length] });
      offset += line.length;
    }
    try {
      writeAll(this.trajectoriesFd!, Buffer.concat(trajectoryLines));
      this.trajectoriesSize = offset;
      const header = this.byKey.size === 0 && !this.headerWritten ? samplesHeader() : '';
      writeAll(
        this.samplesFd!,
        Buffer.from(header + stored.map((s) => encodeRowLine(sampleToRow(s.record, s.t))).join('')),
      );
      this.headerWritten = true;
    } catch (error) {
      this.failure = error as Error;
      return Promise.reject(this.failure);
    }
    for (const s of stored) {
      this.byKey.set(s.record.key, s.record);
      this.trajectoryAt.set(s.record.key, s.t);
    }
    this.sorted = null;
    this.written++;
    return this.whenSynced(this.written);
  }

  /** Reads one sample's trajectory (checking its checksum). */
  async readTrajectory(key: string): Promise<Trajectory> {
    const at = this.trajectoryAt.get(key);
    if (!at) throw new Error(`no sample "${key}" in this run`);
    const [offset, length] = at;
    const handle = await open(path.join(this.dir, TRAJECTORIES_FILE), 'r');
    try {
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, offset);
      const decoded = decodeLine(buffer, 0, length - 1);
      if ('error' in decoded) throw new Error(`the trajectory of "${key}" is damaged (${decoded.error})`);
      const value = decoded.value;
      delete value['#'];
      return value as unknown as Trajectory;
    } finally {
      await handle.close();
    }
  }

  /** Resolves when everything appended so far is durable. */
  flush(): Promise<void> {
    return this.whenSynced(this.written);
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    if (this.samplesFd !== null) closeSync(this.samplesFd);
    if (this.trajectoriesFd !== null) closeSync(this.trajectoriesFd);
    this.samplesFd = null;
    this.trajectoriesFd = null;
  }

  private openForAppend(): void {
    if (this.samplesFd !== null) return;
    this.trajectoriesFd = openSync(path.join(this.dir, TRAJECTORIES_FILE), 'a');
    this.samplesFd = openSync(path.join(this.dir, SAMPLES_FILE), 'a');
  }

  private whenSynced(upTo: number): Promise<void> {
    if (this.synced >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.startSync();
    });
  }

  /** Group commit: one fsync pair at a time, covering every write made before it began. */
  private startSync(): void {
    if (this.syncing || this.samplesFd === null) return;
    const target = this.written;
    const trajectoriesFd = this.trajectoriesFd!;
    const samplesFd = this.samplesFd;
    this.syncing = (async () => {
      try {
        // Both at once: should a crash leave a durable record whose trajectory is not, opening
        // the run finds the record pointing past the end of the trajectory file and drops it.
        await Promise.all([fsyncAsync(trajectoriesFd), fsyncAsync(samplesFd)]);
        this.synced = Math.max(this.synced, target);
        const ready = this.waiters.filter((w) => w.upTo <= this.synced);
        this.waiters = this.waiters.filter((w) => w.upTo > this.synced);
        for (const w of ready) w.resolve();
      } catch (error) {
        this.failure = error as Error;
        for (const w of this.waiters) w.reject(this.failure);
        this.waiters = [];
      } finally {
        this.syncing = null;
        if (this.waiters.length > 0) this.startSync();
      }
    })();
  }
}

function writeAll(fd: number, buffer: Buffer): void {
  let written = 0;
  while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Offset of the last newline of a file (−1 if none), reading backwards in chunks. */
async function lastNewline(file: string, size: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      await handle.read(chunk, 0, end - start, start);
      const at = chunk.subarray(0, end - start).lastIndexOf(0x0a);
      if (at !== -1) return start + at;
      end = start;
    }
    return -1;
  } finally {
    await handle.close();
  }
}

async function keepTail(file: string, from: number, to: number, keptAs: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    await handle.read(buffer, 0, buffer.length, from);
    await writeFile(keptAs, buffer);
  } finally {
    await handle.close();
  }
  await syncDirectory(path.dirname(file));
}
