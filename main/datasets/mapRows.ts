import type { DatasetRow, FieldMap, SkippedRow } from '../../common/notebook/datasetSettings';
import { canonicalJson, sha256 } from '../store/cacheKey';
import type { SourceRecord } from './readDatasetFile';

export interface MappedDataset {
  rows: DatasetRow[];
  skipped: SkippedRow[];
  columns: string[];
  /** The source line of each row. */
  lines: number[];
  /** sha256 over the mapped rows in order (what a run's cache key depends on). */
  fingerprint: string;
}

export interface MapOptions {
  map: FieldMap;
  answerAfter?: string | undefined;
}

class RowError extends Error {}

function text(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RowError(
    `${what} is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}, expected text`,
  );
}

function field(record: Record<string, unknown>, column: string, required: boolean): unknown {
  if (!(column in record) || record[column] === undefined) {
    if (required) throw new RowError(`missing field "${column}"`);
    return undefined;
  }
  return record[column];
}

/** The option texts of a row: one column holding a list (or a JSON list in text), or several columns. */
function choicesOf(record: Record<string, unknown>, mapping: FieldMap['choices']): string[] | null {
  if (mapping === undefined) {
    const value = record.choices;
    if (value === undefined || value === null) return null;
    return listOfText(value, 'choices');
  }
  if (typeof mapping === 'string') return listOfText(field(record, mapping, true), `field "${mapping}"`);
  return mapping.map((column) => text(field(record, column, true), `field "${column}"`));
}

function listOfText(value: unknown, what: string): string[] {
  let list = value;
  if (typeof list === 'string' && list.trim().startsWith('[')) {
    try {
      list = JSON.parse(list);
    } catch {
      throw new RowError(`${what} is not a list`);
    }
  }
  if (!Array.isArray(list)) throw new RowError(`${what} is not a list`);
  return list.map((item, i) => text(item, `${what}[${i}]`));
}

/**
 * Applies a field mapping to source records. A record that cannot be mapped (missing problem,
 * duplicate id …) is reported with its line and left out; the rest is imported.
 */
export function mapRecords(records: readonly SourceRecord[], options: MapOptions): MappedDataset {
  const { map } = options;
  const rows: DatasetRow[] = [];
  const lines: number[] = [];
  const skipped: SkippedRow[] = [];
  const columns = new Set<string>();
  const ids = new Map<string, number>();
  let number = 0;
  for (const record of records) {
    number++;
    if ('error' in record) {
      skipped.push({ line: record.line, error: record.error });
      continue;
    }
    try {
      const value = record.value;
      const problem = text(field(value, map.problem ?? 'problem', true), `field "${map.problem ?? 'problem'}"`);
      if (problem.trim() === '') throw new RowError(`field "${map.problem ?? 'problem'}" is empty`);
      const rawAnswer = field(value, map.answer ?? 'answer', map.answer !== undefined);
      let answer =
        rawAnswer === undefined || rawAnswer === null ? null : text(rawAnswer, `field "${map.answer ?? 'answer'}"`);
      if (answer !== null && options.answerAfter) {
        const at = answer.lastIndexOf(options.answerAfter);
        if (at === -1) throw new RowError(`the answer has no "${options.answerAfter}"`);
        answer = answer.slice(at + options.answerAfter.length).trim();
      }
      const choices = choicesOf(value, map.choices);
      // Several option columns and no answer column: the first option is the correct one (GPQA's layout).
      if (answer === null && choices && Array.isArray(map.choices)) answer = choices[0]!;
      const tests = field(value, map.tests ?? 'tests', map.tests !== undefined);
      const rawId = field(value, map.id ?? 'id', map.id !== undefined);
      const id = rawId === undefined || rawId === null ? String(number) : text(rawId, `field "${map.id ?? 'id'}"`);
      const first = ids.get(id);
      if (first !== undefined) throw new RowError(`duplicate id "${id}" (first on line ${first})`);
      ids.set(id, record.line);
      for (const key of Object.keys(value)) columns.add(key);
      lines.push(record.line);
      rows.push({ id, problem, answer, choices, ...(tests === undefined ? {} : { tests }), fields: value });
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      skipped.push({ line: record.line, error: error.message });
    }
  }
  return { rows, skipped, columns: [...columns], lines, fingerprint: datasetFingerprint(rows) };
}

export function datasetFingerprint(rows: readonly DatasetRow[]): string {
  let joined = '';
  for (const row of rows) joined += canonicalJson(row) + '\n';
  return sha256(joined);
}
