import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { DatasetFormat } from '../../common/notebook/datasetSettings';
import { jsonValueOffsets, positionAt, syntaxErrorPosition } from '../../common/notebook/jsonPositions';
import { parseCsv } from './parseCsv';

/** One source record, or why it could not be read; `line` is where it starts (1-based). */
export type SourceRecord = { line: number; value: Record<string, unknown> } | { line: number; error: string };

export class DatasetFileError extends Error {
  override name = 'DatasetFileError';
}

export function guessFormat(file: string): DatasetFormat {
  const name = file.toLowerCase();
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.parquet')) return 'parquet';
  throw new DatasetFileError(
    `cannot tell the format of ${path.basename(file)} from its name: pass --format jsonl|json|csv|parquet`,
  );
}

/** Reads every record of a dataset file; damage confined to a record is reported per record. */
export async function readDatasetFile(
  file: string,
  format: DatasetFormat = guessFormat(file),
): Promise<SourceRecord[]> {
  if (format === 'parquet') return readParquet(file);
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  if (format === 'jsonl') return readJsonl(text);
  if (format === 'json') return readJson(text);
  return readCsv(text);
}

export function readJsonl(text: string): SourceRecord[] {
  const records: SourceRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        records.push({ line: i + 1, error: 'expected a JSON object' });
      else records.push({ line: i + 1, value: value as Record<string, unknown> });
    } catch (error) {
      records.push({ line: i + 1, error: `invalid JSON: ${(error as Error).message}` });
    }
  });
  return records;
}

/** A JSON array of objects, or an object holding one under "data", "rows" or "examples". */
export function readJson(text: string): SourceRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const at = syntaxErrorPosition(text, (error as Error).message);
    throw new DatasetFileError(`invalid JSON at line ${at.line}, column ${at.column}: ${(error as Error).message}`);
  }
  let key = '';
  if (!Array.isArray(value) && typeof value === 'object' && value !== null) {
    key = ['data', 'rows', 'examples'].find((k) => Array.isArray((value as Record<string, unknown>)[k])) ?? '';
    value = key ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (!Array.isArray(value))
    throw new DatasetFileError(
      'expected a JSON array of objects (or an object with a "data", "rows" or "examples" array)',
    );
  const offsets = jsonValueOffsets(text);
  return value.map((item: unknown, i) => {
    const line = positionAt(text, offsets.get(key ? `${key}[${i}]` : `[${i}]`) ?? 0).line;
    return typeof item === 'object' && item !== null && !Array.isArray(item)
      ? { line, value: item as Record<string, unknown> }
      : { line, error: `record ${i + 1}: expected a JSON object` };
  });
}

/** CSV with a header row; a field that looks like a JSON list (choices, tests) is read as one. */
export function readCsv(text: string): SourceRecord[] {
  const rows = parseCsv(text);
  const header = rows.shift();
  if (!header) return [];
  const names = header.fields.map((f) => f.trim());
  const records: SourceRecord[] = [];
  for (const row of rows) {
    if (row.fields.length === 1 && row.fields[0] === '') continue; // blank line
    if (row.error) {
      records.push({ line: row.line, error: row.error });
      continue;
    }
    if (row.fields.length !== names.length) {
      records.push({
        line: row.line,
        error: `expected ${names.length} fields as in the header, got ${row.fields.length}`,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    names.forEach((name, i) => (value[name] = jsonListOrText(row.fields[i]!)));
    records.push({ line: row.line, value });
  }
  return records;
}

function jsonListOrText(field: string): unknown {
  const trimmed = field.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return field;
    }
  }
  return field;
}

async function readParquet(file: string): Promise<SourceRecord[]> {
  let rows: Record<string, unknown>[];
  try {
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    rows = (await parquetReadObjects({ file: buffer, metadata })) as Record<string, unknown>[];
  } catch (error) {
    throw new DatasetFileError(`not a readable Parquet file: ${(error as Error).message}`);
  }
  return rows.map((value, i) => ({ line: i + 1, value: plainValues(value) as Record<string, unknown> }));
}

/** Parquet readers give bigints for INT64 and typed arrays for lists: make them plain JSON values. */
function plainValues(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(plainValues);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>, plainValues);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValues(v)]));
  return value;
}
