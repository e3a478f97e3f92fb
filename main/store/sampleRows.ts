import type { SampleRecord } from '../../common/api/contract/runs';
import { encodeLine } from './checksummedLines';

/**
 * How a sample record is written as a row of `samples.jsonl` and read back: a header line names
 * the columns, each row is a checksummed JSON array in that order, the last column `t` says where
 * the sample's trajectory line sits. The file format's only definition (docs/store.md).
 */

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

export function samplesHeader(): string {
  return encodeLine({ format: SAMPLES_FORMAT, version: 1, columns: SAMPLE_COLUMNS }).toString();
}

export function sampleToRow(record: SampleRecord, t: [number, number]): unknown[] {
  return SAMPLE_COLUMNS.map((column) => (column === 't' ? t : record[column]));
}

/** A row back into a record, by the file's own column names; null when it is not a sample. */
export const CURRENT_COLUMNS = SAMPLE_COLUMNS.join(',');
export const T_AT = SAMPLE_COLUMNS.indexOf('t');

export function rowToSample(
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
