import type { SampleRecord } from '../../common/api/contract/runs';
import { crcOfPrefix, readRange } from './appendOnlyFiles';
import { decodeTextLine } from './checksummedLines';
import { SampleColumns } from './sampleColumns';
import { columnLayout, rowToSample, SAMPLE_COLUMNS, SAMPLES_FORMAT } from './sampleRows';
import type { LoadedCache } from './samplesCache';

/** What samples.jsonl holds after the prefix its cache covers, read line by line and checked. */
export interface SampleLines {
  /** The cache's columns with every good row after it appended (or new columns without a cache). */
  columns: SampleColumns;
  /** Row of each key. */
  byKey: Map<string, number>;
  /** Records the columns cannot hold exactly (values of another type than the schema's), by row. */
  kept: Array<SampleRecord | undefined>;
  /** Some record is in `kept`. */
  exotic: boolean;
  /** The file's header named the current column layout, or an older one the reader knows. */
  knownLayout: boolean;
  /** Its header's columns are the current ones. */
  currentLayout: boolean;
  /** Damaged lines (checksum, JSON, shape), by line number. */
  badLines: Array<{ line: number; error: string }>;
  /** Rows whose key an earlier row has. */
  duplicates: number;
  /** Rows that point past the end of the trajectory or signals file (written before a crash). */
  missing: number;
  /** Bytes after the last newline: an unfinished write. */
  tornTail: Buffer | null;
  /** The bytes read (after the cache's prefix), tail included. */
  data: Buffer;
  /** Lines of the file up to its last newline, the cache's included. */
  lines: number;
}

/**
 * The cache, when it covers a prefix of samples.jsonl that ends at a line and has the crc32 it
 * recorded, and every trajectory and signal block it points to lies inside its file; else null
 * (the file is then read line by line, which finds and reports whatever changed).
 */
export async function validCache(
  cache: LoadedCache | null,
  samplesPath: string,
  sizes: { samples: number; trajectories: number; signals: number },
): Promise<LoadedCache | null> {
  if (!cache) return null;
  const { samplesBytes } = cache;
  if (samplesBytes <= 0 || samplesBytes > sizes.samples) return null;
  if (cache.trajectoriesEnd > sizes.trajectories || cache.signalsEnd > sizes.signals) return null;
  const prefix = await crcOfPrefix(samplesPath, samplesBytes);
  if (prefix.crc !== cache.samplesCrc || prefix.lastByte !== 0x0a) return null;
  return cache;
}

/** Reads every line of samples.jsonl the cache does not cover, checking each. */
export async function readSampleLines(options: {
  file: string;
  size: number;
  cache: LoadedCache | null;
  trajectoriesSize: number;
  signalsSize: number;
}): Promise<SampleLines> {
  const { file, size, cache, trajectoriesSize, signalsSize } = options;
  const data = await readRange(file, cache?.samplesBytes ?? 0, size);
  let newlines = 0;
  for (let at = data.indexOf(0x0a); at !== -1; at = data.indexOf(0x0a, at + 1)) newlines++;
  const columns = cache?.columns ?? new SampleColumns(newlines);
  if (newlines > 0) columns.reserve(columns.length + newlines - 1);
  const byKey = new Map<string, number>();
  if (cache && data.length > 0) for (let row = 0; row < columns.length; row++) byKey.set(columns.keys[row]!, row);
  const read: SampleLines = {
    columns,
    byKey,
    kept: [],
    exotic: false,
    knownLayout: true,
    currentLayout: true,
    badLines: [],
    duplicates: 0,
    missing: 0,
    tornTail: null,
    data,
    lines: cache?.samplesLines ?? 0,
  };
  let fileColumns: readonly string[] = SAMPLE_COLUMNS;
  const onValue = (line: number, value: unknown) => {
    if (!Array.isArray(value)) {
      const header = value as { format?: unknown; columns?: unknown };
      if (line === 1 && header.format === SAMPLES_FORMAT && Array.isArray(header.columns)) {
        const layout = columnLayout(header.columns as string[]);
        fileColumns = layout ?? (header.columns as string[]);
        read.knownLayout = layout !== null;
        read.currentLayout = fileColumns === SAMPLE_COLUMNS;
      } else read.badLines.push({ line, error: 'not a sample row' });
      return;
    }
    const sample = rowToSample(value, fileColumns);
    if (!sample) return void read.badLines.push({ line, error: 'not a sample row' });
    if (byKey.has(sample.record.key)) return void read.duplicates++;
    if (sample.t[0] + sample.t[1] > trajectoriesSize) return void read.missing++;
    if (sample.s && sample.s[0] + sample.s[1] > signalsSize) return void read.missing++;
    const row = columns.length;
    // An unknown column layout may carry more fields than the columns: keep those records whole.
    if (!columns.setRecord(row, sample.record, sample) || !read.knownLayout) {
      read.kept[row] = sample.record;
      read.exotic = true;
    }
    byKey.set(sample.record.key, row);
    columns.length++;
  };

  let start = 0;
  while (start < data.length) {
    const newline = data.indexOf(0x0a, start);
    if (newline === -1) {
      read.tornTail = data.subarray(start);
      break;
    }
    read.lines++;
    const decoded = decodeTextLine(data.toString('utf8', start, newline));
    if ('value' in decoded) onValue(read.lines, decoded.value);
    else read.badLines.push({ line: read.lines, error: decoded.error });
    start = newline + 1;
  }
  read.badLines.sort((a, b) => a.line - b.line);
  return read;
}
