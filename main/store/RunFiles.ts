import { mkdir, open } from 'node:fs/promises';
import type { TokenSignals } from '../../common/api/contract/generation';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { RunSummary, SampleRecord, StoreIssue, Trajectory } from '../../common/api/contract/runs';
import { writeFileAtomic } from './atomicWrite';
import { readBytes, sizeOf } from './appendOnlyFiles';
import { GroupCommit } from './GroupCommit';
import { decodeLine, decodeTextLine, encodeLine, encodeRowLine } from './checksummedLines';
import { rowToSample, type SampleLocation, SAMPLE_COLUMNS, sampleToRow, samplesHeader } from './sampleRows';
import { decodeSignalBlock, encodeSignalBlock, SIGNALS_FILE } from './signalBlocks';
import { isNotWritable } from './notWritable';
import { readSampleLines, validCache } from './readSampleLines';
import { cutTornLine, cutUncommittedSignals, RepairLog, reportSampleDamage } from './runRepairs';
import { summarizeColumns, summarizeRun } from './runSummary';
import { SampleColumns } from './sampleColumns';
import { encodeSamplesCache, readSamplesCache, SAMPLES_CACHE_FILE, writeSamplesCache } from './samplesCache';

export const SAMPLES_FILE = 'samples.jsonl';
const TRAJECTORY_BLOCK_BYTES = 4 * 1024 * 1024;
export const TRAJECTORIES_FILE = 'trajectories.jsonl';

export interface SampleWithTrajectory {
  record: SampleRecord;
  trajectory: Trajectory;
  /** Every token's signals, stored in the run's signals file when present. */
  signals?: TokenSignals | undefined;
}

export interface OpenOptions {
  /**
   * Use `samples.cache` (default true). With false the cache is neither read nor written and
   * every line of samples.jsonl goes through JSON.parse, as the store always did: the
   * reference that tests and the benchmark compare the cached path with.
   */
  cache?: boolean;
}

/**
 * The per-run files beside the index: `samples.jsonl` (one small graded record per sample, the
 * commit marker) and `trajectories.jsonl` (texts and segments, read only when asked for).
 * Both are append-only. A sample is written trajectory first, then its record; it counts as done
 * once both are fsynced. fsyncs are batched: one runs at a time, covering every write made
 * before it started (group commit), so throughput does not pay one fsync per sample.
 *
 * In memory the samples are columns (`SampleColumns`, in file order) holding exactly what
 * samples.jsonl says; records are built when asked for. `samples.cache` (samplesCache.ts) saves
 * the columns so that reopening a run checks samples.jsonl with one crc32 pass instead of
 * parsing every line; samples.jsonl remains the record.
 */
export class RunFiles {
  /** Row of each stored sample, by key (built on first use when the run came from its cache). */
  private keyIndex: Map<string, number> | null;
  private readonly columns: SampleColumns;
  /** Rows the columns cannot hold exactly (values of another type than the schema's), as read. */
  private readonly kept: Array<SampleRecord | undefined>;
  /** How opening found the samples: rows taken from samples.cache, lines of samples.jsonl parsed. */
  readonly loaded: { cachedSamples: number; parsedLines: number };
  /** Some row is in `kept`: summaries are computed from records and no cache is written. */
  private exotic: boolean;
  private sorted: SampleRecord[] | null = null;
  private order: Uint32Array | null = null;
  /** What has been written to samples.jsonl: bytes, lines and their crc32 (for the cache). */
  private samplesBytes: number;
  private samplesLines: number;
  private samplesCrc: number;
  /** How many bytes of samples.jsonl the cache file on disk covers (−1: none known). */
  private cachedBytes: number;
  private cacheWrite: Promise<void> = Promise.resolve();
  private readonly commit: GroupCommit;
  private trajectoriesSize: number;
  private signalsSize: number;
  private headerWritten: boolean;

  private constructor(
    readonly dir: string,
    private readonly useCache: boolean,
    state: {
      byKey: Map<string, number> | null;
      columns: SampleColumns;
      kept: Array<SampleRecord | undefined>;
      exotic: boolean;
      trajectoriesSize: number;
      signalsSize: number;
      samples: { bytes: number; lines: number; crc: number };
      cachedBytes: number;
      loaded: { cachedSamples: number; parsedLines: number };
    },
  ) {
    this.loaded = state.loaded;
    this.keyIndex = state.byKey;
    this.columns = state.columns;
    this.kept = state.kept;
    this.exotic = state.exotic;
    this.trajectoriesSize = state.trajectoriesSize;
    this.signalsSize = state.signalsSize;
    this.samplesBytes = state.samples.bytes;
    this.samplesLines = state.samples.lines;
    this.samplesCrc = state.samples.crc;
    this.cachedBytes = state.cachedBytes;
    this.headerWritten = state.columns.length > 0;
    this.commit = new GroupCommit([
      path.join(dir, TRAJECTORIES_FILE),
      path.join(dir, SIGNALS_FILE),
      path.join(dir, SAMPLES_FILE),
    ]);
  }

  private get byKey(): Map<string, number> {
    if (!this.keyIndex) {
      const keys = this.columns.keys;
      const byKey = new Map<string, number>();
      for (let row = 0; row < this.columns.length; row++) byKey.set(keys[row]!, row);
      // The cache is checksummed and written from distinct keys: only a bug could get here.
      if (byKey.size !== this.columns.length)
        throw new Error(`${this.dir}: samples.cache repeats a key; delete the file to rebuild it`);
      this.keyIndex = byKey;
    }
    return this.keyIndex;
  }

  /**
   * Opens (creating if needed) a run's files and checks them. Damage is repaired only after the
   * damaged bytes are kept aside beside the file, and every repair is returned as an issue.
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<{ files: RunFiles; issues: StoreIssue[] }> {
    const useCache = options.cache ?? true;
    await mkdir(dir, { recursive: true });
    const log = new RepairLog();
    const samplesPath = path.join(dir, SAMPLES_FILE);
    const trajectoriesPath = path.join(dir, TRAJECTORIES_FILE);
    const signalsPath = path.join(dir, SIGNALS_FILE);

    // Trajectories: only the tail is checked here (the file can be large); lines are verified when read.
    const trajectoriesSize = await cutTornLine(trajectoriesPath, (await sizeOf(trajectoriesPath)) ?? 0, log);
    // The signals file is never read here: its size bounds the blocks rows may point to.
    const signalsSize = (await sizeOf(signalsPath)) ?? 0;

    // The cache, if it describes the first bytes of samples.jsonl exactly as they are now: then
    // only the lines after those are read and parsed.
    const samplesSize = (await sizeOf(samplesPath)) ?? 0;
    const sizes = { samples: samplesSize, trajectories: trajectoriesSize, signals: signalsSize };
    const cache =
      useCache && samplesSize > 0
        ? await validCache(await readSamplesCache(path.join(dir, SAMPLES_CACHE_FILE)), samplesPath, sizes)
        : null;
    const cachedSamples = cache?.columns.length ?? 0;
    const read = await readSampleLines({ file: samplesPath, size: samplesSize, cache, trajectoriesSize, signalsSize });
    await reportSampleDamage(samplesPath, read, log);
    const { columns, data } = read;
    const signalsEnd = await cutUncommittedSignals(signalsPath, signalsSize, columns.signalsEnd(), log);

    const files = new RunFiles(dir, useCache, {
      // Built on first use when every sample came from the cache.
      byKey: cache && data.length === 0 ? null : read.byKey,
      columns,
      kept: read.kept,
      exotic: read.exotic,
      trajectoriesSize,
      signalsSize: signalsEnd,
      samples: {
        bytes: (cache?.samplesBytes ?? 0) + data.length,
        lines: read.lines,
        crc: crc32(data, cache?.samplesCrc ?? 0),
      },
      cachedBytes: cache?.samplesBytes ?? -1,
      loaded: { cachedSamples, parsedLines: read.lines - (cache?.samplesLines ?? 0) },
    });
    const repaired = log.repaired(samplesPath);
    // A file written before columns were added is brought to the current layout once, so that
    // appends and the cache only ever deal with one layout (its values unchanged).
    const older = read.knownLayout && !read.currentLayout && columns.length > 0;
    if (repaired || older) {
      try {
        await files.rewriteSamples();
      } catch (error) {
        // A read-only store reads an older layout as it is (in memory), and caches nothing.
        if (repaired || !isNotWritable(error)) throw error;
        files.exotic = true;
      }
    }
    // Next time, open from the cache.
    if (files.samplesBytes !== files.cachedBytes) await files.saveCache();
    return { files, issues: log.issues };
  }

  get count(): number {
    return this.columns.length;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Every stored sample in plan order (problem order, then sample index). */
  records(): readonly SampleRecord[] {
    if (!this.sorted) {
      const order = this.planOrder();
      const sorted = new Array<SampleRecord>(order.length);
      for (let i = 0; i < order.length; i++) sorted[i] = this.recordAt(order[i]!);
      this.sorted = sorted;
    }
    return this.sorted;
  }

  get(key: string): SampleRecord | undefined {
    const row = this.byKey.get(key);
    return row === undefined ? undefined : this.recordAt(row);
  }

  /**
   * The run's summary, equal to `summarizeRun(this.records(), samplesPerProblem)`: computed
   * from the columns, without building a record per sample.
   */
  summarize(samplesPerProblem: number): RunSummary {
    if (this.exotic) return summarizeRun(this.records(), samplesPerProblem);
    return summarizeColumns(this.columns, this.planOrder(), samplesPerProblem);
  }

  /** Rewrites samples.jsonl in the current column order, header first, the samples in the order they were. */
  private async rewriteSamples(): Promise<void> {
    const rows: string[] = [];
    for (let row = 0; row < this.columns.length; row++)
      rows.push(encodeRowLine(sampleToRow(this.recordAt(row), this.columns.location(row))));
    const text = rows.length > 0 ? samplesHeader() + rows.join('') : '';
    await writeFileAtomic(path.join(this.dir, SAMPLES_FILE), text);
    const bytes = Buffer.from(text);
    this.samplesBytes = bytes.length;
    this.samplesLines = rows.length > 0 ? rows.length + 1 : 0;
    this.samplesCrc = crc32(bytes);
    this.cachedBytes = -1; // whatever the cache on disk covered was rewritten
  }

  /**
   * Writes samples (trajectory lines and signal blocks first, then the records) and resolves
   * once they are on disk.
   * A sample whose key is already stored (or repeated in `entries`) is skipped, so a resumed run
   * never holds a duplicate.
   */
  append(entries: SampleWithTrajectory[]): Promise<void> {
    if (this.commit.failure) return Promise.reject(this.commit.failure);
    const byKey = this.byKey;
    const batch = entries.length > 1 ? new Set<string>() : null;
    const fresh = entries.filter((e) => {
      const key = e.record.key;
      if (byKey.has(key) || batch?.has(key)) return false;
      batch?.add(key);
      return true;
    });
    if (fresh.length === 0) return this.commit.flush();
    const trajectoryLines = fresh.map((e) => encodeLine(e.trajectory));
    const signalBlocks = fresh.map((e) => (e.signals ? encodeSignalBlock(e.record.key, e.signals) : null));
    const stored: Array<{ record: SampleRecord; at: SampleLocation; line: string }> = [];
    let offset = this.trajectoriesSize;
    let signalsOffset = this.signalsSize;
    for (let i = 0; i < fresh.length; i++) {
      const length = trajectoryLines[i]!.length;
      const block = signalBlocks[i];
      const at: SampleLocation = { t: [offset, length], s: block ? [signalsOffset, block.length] : null };
      stored.push({ record: fresh[i]!.record, at, line: encodeRowLine(sampleToRow(fresh[i]!.record, at)) });
      offset += length;
      signalsOffset += block?.length ?? 0;
    }
    const header = this.columns.length === 0 && !this.headerWritten ? samplesHeader() : '';
    const rows = Buffer.from(header + stored.map((s) => s.line).join(''));
    const blocks = signalBlocks.filter((b): b is Buffer => b !== null);
    const durable = this.commit.write([Buffer.concat(trajectoryLines), Buffer.concat(blocks), rows]);
    if (this.commit.failure) return durable;
    this.trajectoriesSize = offset;
    this.signalsSize = signalsOffset;
    this.headerWritten = true;
    this.samplesBytes += rows.length;
    this.samplesLines += stored.length + (header ? 1 : 0);
    this.samplesCrc = crc32(rows, this.samplesCrc);
    const columns = this.columns;
    for (const s of stored) {
      const row = columns.length;
      if (!columns.setRecord(row, s.record, s.at)) {
        // Held as the file will give it back (the JSON round trip of the row).
        const decoded = decodeTextLine(s.line.slice(0, -1));
        const asRead = 'value' in decoded ? rowToSample(decoded.value as unknown[], SAMPLE_COLUMNS) : null;
        this.kept[row] = asRead?.record ?? s.record;
        this.exotic = true;
      }
      this.byKey.set(s.record.key, row);
      columns.length++;
    }
    this.sorted = null;
    this.order = null;
    return durable;
  }

  /** Reads one sample's trajectory (checking its checksum). */
  async readTrajectory(key: string): Promise<Trajectory> {
    for await (const { trajectory } of this.readTrajectories([key])) return trajectory;
    throw new Error(`no sample "${key}" in this run`);
  }

  /**
   * Reads the trajectories of these samples with their records, in the order they lie on disk,
   * a block of at least 4 MiB at a time: a regrading reads every trajectory of a run with one
   * open and sequential reads instead of a seek per sample.
   */
  async *readTrajectories(keys: Iterable<string>): AsyncGenerator<{ record: SampleRecord; trajectory: Trajectory }> {
    const { tOffset, tLength } = this.columns.numbers;
    const rows = [...keys].map((key) => {
      const row = this.byKey.get(key);
      if (row === undefined) throw new Error(`no sample "${key}" in this run`);
      return row;
    });
    if (rows.length === 0) return;
    rows.sort((a, b) => tOffset[a]! - tOffset[b]!);
    const handle = await open(path.join(this.dir, TRAJECTORIES_FILE), 'r');
    try {
      let block = Buffer.alloc(0);
      let blockStart = 0;
      for (const row of rows) {
        const offset = tOffset[row]!;
        const length = tLength[row]!;
        if (offset < blockStart || offset + length > blockStart + block.length) {
          const size = Math.max(TRAJECTORY_BLOCK_BYTES, length);
          const buffer = Buffer.allocUnsafe(size);
          const { bytesRead } = await handle.read(buffer, 0, size, offset);
          block = buffer.subarray(0, bytesRead);
          blockStart = offset;
        }
        const at = offset - blockStart;
        const record = this.recordAt(row);
        const decoded = length <= block.length - at ? decodeLine(block, at, at + length - 1) : { error: 'cut short' };
        if ('error' in decoded) throw new Error(`the trajectory of "${record.key}" is damaged (${decoded.error})`);
        const value = decoded.value;
        delete value['#'];
        yield { record, trajectory: value as unknown as Trajectory };
      }
    } finally {
      await handle.close();
    }
  }

  /** Whether a sample's per-token signals were recorded (false for an unknown key). */
  hasSignals(key: string): boolean {
    const row = this.byKey.get(key);
    return row !== undefined && this.columns.location(row).s !== null;
  }

  /**
   * Reads one sample's per-token signals from the signals file (its block alone, found by the
   * row's offset). Throws naming the file and offset when the block is damaged, and when the
   * sample has none (`hasSignals`).
   */
  async readSignals(key: string): Promise<TokenSignals> {
    const row = this.byKey.get(key);
    if (row === undefined) throw new Error(`no sample "${key}" in this run`);
    const at = this.columns.location(row).s;
    if (!at) throw new Error(`sample "${key}" has no recorded signals`);
    const file = path.join(this.dir, SIGNALS_FILE);
    const block = await readBytes(file, at[0], at[0] + at[1]);
    return decodeSignalBlock(block, { file, offset: at[0], key });
  }

  /** Resolves when everything appended so far is durable. */
  flush(): Promise<void> {
    return this.commit.flush();
  }

  /**
   * Saves the columns to `samples.cache` (if anything was appended since it was last saved), so
   * that the next open does not parse samples.jsonl. Failing to write it only costs that.
   */
  saveCache(): Promise<void> {
    if (
      !this.useCache ||
      this.exotic ||
      this.commit.failure ||
      this.columns.length === 0 ||
      this.samplesBytes === this.cachedBytes
    )
      return this.cacheWrite;
    const samples = { bytes: this.samplesBytes, lines: this.samplesLines, crc: this.samplesCrc };
    const encoded = encodeSamplesCache(this.columns, samples);
    this.cachedBytes = samples.bytes;
    this.cacheWrite = this.cacheWrite
      .then(() => writeSamplesCache(path.join(this.dir, SAMPLES_CACHE_FILE), encoded))
      .catch(() => {
        if (this.cachedBytes === samples.bytes) this.cachedBytes = -1;
      });
    return this.cacheWrite;
  }

  /** Flushes and closes the files, saving the cache first unless `saveCache` is false. */
  async close(options: { saveCache?: boolean } = {}): Promise<void> {
    await this.flush().catch(() => undefined);
    if (options.saveCache ?? true) await this.saveCache();
    else await this.cacheWrite;
    this.commit.close();
  }

  private recordAt(row: number): SampleRecord {
    return this.kept[row] ?? this.columns.record(row);
  }

  private planOrder(): Uint32Array {
    this.order ??= this.columns.planOrder();
    return this.order;
  }
}
