import { endianness } from 'node:os';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { NUMBER_COLUMNS, ORDINAL_COLUMNS, SampleColumns, type StringTable } from './sampleColumns';

export const SAMPLES_CACHE_FILE = 'samples.cache';
const CACHE_FORMAT = 'z1-samples-cache';
const CACHE_VERSION = 2;

/**
 * `samples.cache`: the columns of a prefix of `samples.jsonl`, so that reopening a run does not
 * parse 100k JSON lines. It is only a cache: samples.jsonl stays the record, and the cache is
 * used only when it proves to describe the file's bytes as they are now:
 *
 * - its own crc32 (last 4 bytes) matches, and its header names this format, version, byte order
 *   and the current columns;
 * - `samplesBytes` is not past the end of samples.jsonl and the crc32 of those first bytes of
 *   samples.jsonl is `samplesCrc` (one pass of zlib's crc32 over the file instead of 100k
 *   JSON.parse calls): any change to a byte it covers (a flipped bit, a repair, a rewrite)
 *   makes the run be read from samples.jsonl line by line, with every check the store has.
 *
 * Lines after `samplesBytes` (appended since the cache was written, a torn tail) are read as
 * always. The cache is written without fsync (temp file + rename) when a run stops or its files
 * are closed, and after opening a run that it did not fully cover; a missing, stale or damaged
 * cache only costs one full read. Layout:
 *
 *   {"format":"z1-samples-cache",…,"columns":[["index","u32"],…],"tablesBytes":N,"keysBytes":M}\n
 *   zero padding to a multiple of 8, then each column (little-endian, padded to 8 bytes)
 *   the string tables as UTF-8 JSON (problem ids, answers, texts, stop reasons): N bytes
 *   the keys as a UTF-8 JSON array (parsed only when a key is needed): M bytes
 *   crc32 of everything before it (4 bytes, little-endian)
 */
interface CacheHeader {
  format: typeof CACHE_FORMAT;
  version: typeof CACHE_VERSION;
  note: string;
  endian: 'le';
  rows: number;
  /** How many bytes (and lines) of samples.jsonl the cache describes, and their crc32. */
  samplesBytes: number;
  samplesLines: number;
  samplesCrc: number;
  /** Where the last byte of a trajectory the rows point to lies in trajectories.jsonl. */
  trajectoriesEnd: number;
  /** The same in signals.bin (0 when no row has signals). */
  signalsEnd: number;
  /** Name, type, smallest and largest value (nulls aside) of each column. */
  columns: Array<[string, ColumnType, number, number]>;
  tablesBytes: number;
  keysBytes: number;
}

type CacheTables = Record<StringTable, string[]>;

/**
 * Besides the plain types: 'null' (every value null: no bytes), 'i32n' (integers, some null:
 * int32 with −2^31 for null), 'd6' (values with at most 6 decimals, as the signal summaries are
 * stored: int32 millionths, −2^31 for null). Each is chosen only when it gives every value back
 * exactly.
 */
type ColumnType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f64' | 'null' | 'i32n' | 'd6';
type Typed = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float64Array;
const TYPES: Record<
  ColumnType,
  { size: number; make: (buffer: ArrayBuffer, offset: number, length: number) => Typed }
> = {
  u8: { size: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
  i8: { size: 1, make: (b, o, n) => new Int8Array(b, o, n) },
  u16: { size: 2, make: (b, o, n) => new Uint16Array(b, o, n) },
  i16: { size: 2, make: (b, o, n) => new Int16Array(b, o, n) },
  u32: { size: 4, make: (b, o, n) => new Uint32Array(b, o, n) },
  i32: { size: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  f64: { size: 8, make: (b, o, n) => new Float64Array(b, o, n) },
  null: { size: 0, make: (b, o) => new Float64Array(b, o, 0) },
  i32n: { size: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  d6: { size: 4, make: (b, o, n) => new Int32Array(b, o, n) },
};

/** int32 columns with a null: the value that stands for it (no stored value can be it). */
const NULL_I32 = -0x80000000;
/** What a stored int32 is multiplied by to give the value ('d6' columns). */
const SCALES: Partial<Record<ColumnType, number>> = { i32n: 1, d6: 1e6 };

const COLUMN_NAMES = [...NUMBER_COLUMNS, ...ORDINAL_COLUMNS, 'flags'];

/**
 * The narrowest type that holds every value of a column exactly (most columns are small
 * integers), and the smallest and largest value (NaN, i.e. null, aside).
 */
function describe(values: Float64Array | Int32Array | Uint8Array): { type: ColumnType; min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  let nulls = false;
  let millionths = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) {
      nulls = true;
      continue;
    }
    if (!Number.isInteger(v) || Object.is(v, -0)) integers = false;
    if (millionths && (Math.round(v * 1e6) / 1e6 !== v || Object.is(v, -0))) millionths = false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { type: values.length === 0 ? 'u8' : 'null', min: 0, max: 0 };
  const int32 = (low: number, high: number) => low > NULL_I32 && high <= 0x7fffffff;
  let type: ColumnType = 'f64';
  if (integers && nulls) type = int32(min, max) ? 'i32n' : 'f64';
  else if (!integers) type = millionths && int32(min * 1e6, max * 1e6) ? 'd6' : 'f64';
  else if (min >= 0) type = max <= 0xff ? 'u8' : max <= 0xffff ? 'u16' : max <= 0xffffffff ? 'u32' : 'f64';
  else if (min >= -0x80 && max <= 0x7f) type = 'i8';
  else if (min >= -0x8000 && max <= 0x7fff) type = 'i16';
  else if (min >= -0x80000000 && max <= 0x7fffffff) type = 'i32';
  return { type, min, max };
}

const pad8 = (n: number) => (n + 7) & ~7;

function columnArrays(columns: SampleColumns): Array<Float64Array | Int32Array | Uint8Array> {
  return [
    ...NUMBER_COLUMNS.map((c) => columns.numbers[c]),
    ...ORDINAL_COLUMNS.map((c) => columns.ordinals[c]),
    columns.flags,
  ];
}

/** The cache file's bytes for the first `columns.length` rows, describing samples.jsonl[0, samplesBytes). */
export function encodeSamplesCache(
  columns: SampleColumns,
  samples: { bytes: number; lines: number; crc: number },
): Buffer {
  const n = columns.length;
  const arrays = columnArrays(columns).map((a) => a.subarray(0, n));
  const described = arrays.map(describe);
  const types = described.map((d) => d.type);
  let trajectoriesEnd = 0;
  const { tOffset, tLength } = columns.numbers;
  for (let i = 0; i < n; i++) trajectoriesEnd = Math.max(trajectoriesEnd, tOffset[i]! + tLength[i]!);
  const signalsEnd = columns.signalsEnd();
  const tables: CacheTables = {
    problems: columns.problems.values,
    answers: columns.answers.values,
    texts: columns.texts.values,
    stopReasons: columns.stopReasons.values,
  };
  const tableBytes = Buffer.from(JSON.stringify(tables));
  const keyBytes = Buffer.from(JSON.stringify(columns.keys.slice(0, n)));
  const header: CacheHeader = {
    format: CACHE_FORMAT,
    version: CACHE_VERSION,
    note: 'a cache of samples.jsonl for fast reopening; safe to delete',
    endian: 'le',
    rows: n,
    samplesBytes: samples.bytes,
    samplesLines: samples.lines,
    samplesCrc: samples.crc,
    trajectoriesEnd,
    signalsEnd,
    columns: COLUMN_NAMES.map((name, i) => [name, types[i]!, described[i]!.min, described[i]!.max]),
    tablesBytes: tableBytes.length,
    keysBytes: keyBytes.length,
  };
  const headerBytes = Buffer.from(JSON.stringify(header) + '\n');
  let size = pad8(headerBytes.length);
  for (const type of types) size += pad8(n * TYPES[type].size);
  const out = Buffer.alloc(size + tableBytes.length + keyBytes.length + 4);
  headerBytes.copy(out, 0);
  let offset = pad8(headerBytes.length);
  arrays.forEach((values, i) => {
    const type = TYPES[types[i]!];
    if (type.size === 0) return; // every value null: nothing to write
    const target = type.make(new ArrayBuffer(n * type.size), 0, n);
    const scale = SCALES[types[i]!];
    if (scale === undefined) target.set(values);
    else for (let j = 0; j < n; j++) target[j] = values[j]! === values[j]! ? Math.round(values[j]! * scale) : NULL_I32;
    out.set(new Uint8Array(target.buffer), offset);
    offset += pad8(n * type.size);
  });
  tableBytes.copy(out, offset);
  offset += tableBytes.length;
  keyBytes.copy(out, offset);
  offset += keyBytes.length;
  out.writeUInt32LE(crc32(out.subarray(0, offset)), offset);
  return out;
}

export interface LoadedCache {
  columns: SampleColumns;
  samplesBytes: number;
  samplesLines: number;
  samplesCrc: number;
  trajectoriesEnd: number;
  signalsEnd: number;
}

/** Reads a cache file, or null when it is missing or not a valid cache of this version. */
export async function readSamplesCache(file: string): Promise<LoadedCache | null> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    return null;
  }
  try {
    return decodeSamplesCache(data);
  } catch {
    return null;
  }
}

export function decodeSamplesCache(input: Buffer): LoadedCache | null {
  if (endianness() !== 'LE' || input.length < 8) return null;
  // Typed views need aligned offsets.
  const data = input.byteOffset % 8 === 0 ? input : Buffer.from(new Uint8Array(input).buffer);
  const end = data.length - 4;
  if (crc32(data.subarray(0, end)) !== data.readUInt32LE(end)) return null;
  const newline = data.indexOf(0x0a);
  if (newline === -1) return null;
  const header = JSON.parse(data.toString('utf8', 0, newline)) as CacheHeader;
  if (
    header.format !== CACHE_FORMAT ||
    header.version !== CACHE_VERSION ||
    header.endian !== 'le' ||
    !Array.isArray(header.columns) ||
    header.columns.map(([name]) => name).join(',') !== COLUMN_NAMES.join(',') ||
    !header.columns.every(([, type, min, max]) => type in TYPES && typeof min === 'number' && typeof max === 'number')
  )
    return null;
  const n = header.rows;
  const counts = [
    n,
    header.samplesBytes,
    header.samplesLines,
    header.samplesCrc,
    header.trajectoriesEnd,
    header.signalsEnd,
    header.tablesBytes,
    header.keysBytes,
  ];
  if (!counts.every((v) => Number.isInteger(v) && v >= 0)) return null;
  let offset = pad8(newline + 1);
  const views: Array<{ view: Typed; scale: number | undefined }> = [];
  for (const [, type] of header.columns) {
    const t = TYPES[type];
    if (offset + n * t.size > end) return null;
    views.push({ view: t.make(data.buffer as ArrayBuffer, data.byteOffset + offset, n), scale: SCALES[type] });
    offset += pad8(n * t.size);
  }
  if (offset + header.tablesBytes + header.keysBytes !== end) return null;
  const strings = JSON.parse(data.toString('utf8', offset, offset + header.tablesBytes)) as CacheTables;
  const tables: Array<[StringTable, string[]]> = [
    ['stopReasons', strings.stopReasons],
    ['problems', strings.problems],
    ['answers', strings.answers],
    ['texts', strings.texts],
  ];
  if (!tables.every(([, values]) => Array.isArray(values) && values.every((v) => typeof v === 'string'))) return null;
  const keysJson = data.toString('utf8', offset + header.tablesBytes, end);

  // Every ordinal must name an entry of its table (the column's range is in the header, under
  // the same crc32 as the values).
  const ranges = new Map(header.columns.map(([name, , min, max]) => [name, [min, max] as const]));
  const sizes: Record<(typeof ORDINAL_COLUMNS)[number], number> = {
    outcome: 4,
    stopReason: strings.stopReasons.length,
    problem: strings.problems.length,
    answer: strings.answers.length,
    extracted: strings.texts.length,
    gold: strings.texts.length,
  };
  for (const c of ORDINAL_COLUMNS) {
    const [min, max] = ranges.get(c)!;
    const nullable = c === 'answer' || c === 'extracted' || c === 'gold';
    if (n > 0 && (min < (nullable ? -1 : 0) || max >= sizes[c])) return null;
  }
  const columns = new SampleColumns(n, Object.fromEntries(tables));
  const arrays = columnArrays(columns);
  views.forEach(({ view, scale }, i) => {
    const column = arrays[i]!;
    if (view.length === 0 && n > 0) column.fill(NaN, 0, n);
    else if (scale === undefined) column.set(view);
    else for (let j = 0; j < n; j++) column[j] = view[j] === NULL_I32 ? NaN : view[j]! / scale;
  });
  columns.loadKeysLater(() => {
    const keys = JSON.parse(keysJson) as unknown;
    // Covered by the crc32 above: only a bug in the writer could get here.
    if (!Array.isArray(keys) || keys.length !== n || !keys.every((k) => typeof k === 'string'))
      throw new Error('samples.cache: the keys do not match the rows; delete the file to rebuild it');
    return keys as string[];
  });
  columns.length = n;
  return {
    columns,
    samplesBytes: header.samplesBytes,
    samplesLines: header.samplesLines,
    samplesCrc: header.samplesCrc,
    trajectoriesEnd: header.trajectoriesEnd,
    signalsEnd: header.signalsEnd,
  };
}

/** Temp file + rename, without fsync: a cache lost to a power cut is rebuilt from samples.jsonl. */
export async function writeSamplesCache(file: string, bytes: Buffer): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    await writeFile(temp, bytes);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
