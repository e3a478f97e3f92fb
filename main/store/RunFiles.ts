import { closeSync, fsync, openSync, writeSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SampleRecord, StoreIssue, Trajectory } from '../../common/api/contract/runs';
import { fileTimestamp, syncDirectory, writeFileAtomic } from './atomicWrite';
import { decodeLine, encodeLine, scanLines } from './checksummedLines';

export const SAMPLES_FILE = 'samples.jsonl';
export const TRAJECTORIES_FILE = 'trajectories.jsonl';

/** A sample line on disk: the record plus where its trajectory line sits ([offset, bytes]). */
type StoredSample = SampleRecord & { t: [number, number] };

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
  private readonly byKey = new Map<string, SampleRecord>();
  /** Where each sample's trajectory line sits in trajectories.jsonl: [offset, bytes]. */
  private readonly trajectoryAt = new Map<string, [number, number]>();
  private sorted: SampleRecord[] | null = null;
  private samplesFd: number | null = null;
  private trajectoriesFd: number | null = null;
  private trajectoriesSize: number;
  private written = 0;
  private synced = 0;
  private syncing: Promise<void> | null = null;
  private waiters: Array<{ upTo: number; resolve: () => void; reject: (error: Error) => void }> = [];
  private failure: Error | null = null;

  private constructor(
    readonly dir: string,
    records: StoredSample[],
    trajectoriesSize: number,
  ) {
    for (const { t, ...record } of records) {
      this.byKey.set(record.key, record);
      this.trajectoryAt.set(record.key, t);
    }
    this.trajectoriesSize = trajectoriesSize;
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
        report('truncated', trajectoriesPath, `the last ${trajectoriesSize - tail - 1} bytes are an unfinished write; kept aside and cut off`, keptAs);
        trajectoriesSize = tail + 1;
      }
    }

    const buffer = await readFile(samplesPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    const scan = scanLines(buffer);
    const good: StoredSample[] = [];
    const keep: Array<{ offset: number; length: number }> = [];
    const seen = new Set<string>();
    let duplicates = 0;
    let missing = 0;
    const shapeErrors: Array<{ line: number; error: string }> = [];
    for (const line of scan.lines) {
      const record = line.value as unknown as StoredSample;
      if (typeof record.key !== 'string' || typeof record.index !== 'number' || !Array.isArray(record.t)) {
        shapeErrors.push({ line: line.line, error: 'not a sample record' });
        continue;
      }
      if (seen.has(record.key)) {
        duplicates++;
        continue;
      }
      if (record.t[0] + record.t[1] > trajectoriesSize) {
        missing++;
        continue;
      }
      seen.add(record.key);
      delete (record as Partial<Record<'#', unknown>>)['#'];
      good.push(record);
      keep.push({ offset: line.offset, length: line.length });
    }
    const bad = [...scan.bad, ...shapeErrors];
    let keptWhole: string | null = null;
    if (bad.length > 0 || duplicates > 0 || missing > 0) {
      keptWhole = `${samplesPath}.corrupt-${stamp}`;
      await copyFile(samplesPath, keptWhole);
      if (bad.length > 0) {
        const where = bad.slice(0, 5).map((b) => `line ${b.line}: ${b.error}`).join('; ');
        report('corrupt', samplesPath, `${bad.length} damaged line(s) dropped (${where}${bad.length > 5 ? '; …' : ''}); those samples will be generated again on resume`, keptWhole);
      }
      if (duplicates > 0) report('duplicate', samplesPath, `${duplicates} repeated sample(s) dropped (the first copy is kept)`, keptWhole);
      if (missing > 0) report('missing', samplesPath, `${missing} sample(s) whose trajectory was never written dropped; they will be generated again on resume`, keptWhole);
    }
    if (scan.tornTail) {
      let keptAs = keptWhole;
      if (!keptAs) {
        keptAs = `${samplesPath}.torn-${stamp}`;
        await writeFile(keptAs, buffer.subarray(scan.tornTail.offset));
      }
      report('truncated', samplesPath, `the last ${scan.tornTail.length} bytes are an unfinished write; kept aside and cut off`, keptAs);
    }
    if (issues.some((i) => i.file === samplesPath)) {
      await writeFileAtomic(samplesPath, Buffer.concat(keep.map((k) => buffer.subarray(k.offset, k.offset + k.length))));
    }
    return { files: new RunFiles(dir, good, trajectoriesSize), issues };
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
    const stored: StoredSample[] = [];
    let offset = this.trajectoriesSize;
    for (let i = 0; i < fresh.length; i++) {
      const line = trajectoryLines[i]!;
      stored.push({ ...fresh[i]!.record, t: [offset, line.length] });
      offset += line.length;
    }
    try {
      writeAll(this.trajectoriesFd!, Buffer.concat(trajectoryLines));
      this.trajectoriesSize = offset;
      writeAll(this.samplesFd!, Buffer.concat(stored.map((s) => encodeLine(s))));
    } catch (error) {
      this.failure = error as Error;
      return Promise.reject(this.failure);
    }
    for (let i = 0; i < fresh.length; i++) {
      this.byKey.set(fresh[i]!.record.key, fresh[i]!.record);
      this.trajectoryAt.set(fresh[i]!.record.key, stored[i]!.t);
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
        // Trajectories first: a durable record must never point at a trajectory that is not.
        await fsyncAsync(trajectoriesFd);
        await fsyncAsync(samplesFd);
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
    for (let end = size; end > 0; ) {
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

