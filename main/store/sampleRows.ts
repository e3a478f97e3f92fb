import type { SampleRecord } from '../../common/api/contract/runs';
import { encodeLine } from './checksummedLines';

/**
 * How a sample record is written as a row of `samples.jsonl` and read back: a header line names
 * the columns, each row is a checksummed JSON array in that order, the last column `t` says where
 * the sample's trajectory line sits. The file format's only definition (docs/store.md).
 */

/**
 * A sample on disk: the record, where its trajectory line sits and where its per-token signals
 * sit in the signals file ([offset, bytes]; null when none were recorded).
 */
type StoredSample = SampleRecord & { t: [number, number]; s: [number, number] | null };

/** Where a sample's trajectory line and signal block lie in their files. */
export interface SampleLocation {
  t: [number, number];
  s: [number, number] | null;
}

export const SAMPLES_FORMAT = 'z1-samples';

/**
 * The signal summary fields of a sample record, in column order. Defined here rather than in the
 * API contract: the store loads without zod and the contract's schemas (a third of a second).
 */
export const SIGNAL_SUMMARY_FIELDS = [
  'meanLogprob',
  'meanEntropy',
  'meanConfidence',
  'lowestGroupConfidence',
  'bottomGroupConfidence',
  'tailConfidence',
] as const satisfies ReadonlyArray<keyof SampleRecord>;
export type SignalSummaryField = (typeof SIGNAL_SUMMARY_FIELDS)[number];

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
  ...SIGNAL_SUMMARY_FIELDS,
  'discardedTokens',
  'probeCount',
  't',
  's',
] as const satisfies ReadonlyArray<keyof StoredSample>;

export function samplesHeader(): string {
  return encodeLine({ format: SAMPLES_FORMAT, version: 1, columns: SAMPLE_COLUMNS }).toString();
}

export function sampleToRow(record: SampleRecord, at: SampleLocation): unknown[] {
  return SAMPLE_COLUMNS.map((column) => (column === 't' ? at.t : column === 's' ? at.s : record[column]));
}

export const CURRENT_COLUMNS = SAMPLE_COLUMNS.join(',');
const KNOWN_COLUMNS = new Set<string>(SAMPLE_COLUMNS);

/**
 * The layout a header names: the current one (the same array, which `rowToSample` reads fastest),
 * an older one whose columns are all known (files written before columns were added: the missing
 * fields read as their defaults), or null for columns this version does not know.
 */
export function columnLayout(columns: readonly string[]): readonly string[] | null {
  if (columns.join(',') === CURRENT_COLUMNS) return SAMPLE_COLUMNS;
  return columns.every((c) => KNOWN_COLUMNS.has(c)) && columns.includes('t') ? columns : null;
}

/** What a field added after version 1 reads as in rows that lack it. */
const ADDED_DEFAULTS: Partial<Record<keyof StoredSample, unknown>> = {
  meanLogprob: null,
  meanEntropy: null,
  meanConfidence: null,
  lowestGroupConfidence: null,
  bottomGroupConfidence: null,
  tailConfidence: null,
  discardedTokens: 0,
  probeCount: 0,
  s: null,
};

/** A row back into a record, by the file's own column names; null when it is not a sample. */
export function rowToSample(
  row: unknown[],
  columns: readonly string[],
): ({ record: SampleRecord } & SampleLocation) | null {
  let record: Record<string, unknown>;
  let t: unknown;
  let s: unknown;
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
      meanLogprob: row[20],
      meanEntropy: row[21],
      meanConfidence: row[22],
      lowestGroupConfidence: row[23],
      bottomGroupConfidence: row[24],
      tailConfidence: row[25],
      discardedTokens: row[26],
      probeCount: row[27],
    };
    t = row[28];
    s = row[29];
  } else {
    const fields: Record<string, unknown> = { ...ADDED_DEFAULTS };
    for (let i = 0; i < columns.length; i++) fields[columns[i]!] = row[i];
    ({ t, s, ...record } = fields);
  }
  if (typeof record.key !== 'string' || typeof record.index !== 'number' || !isRange(t) || !(s === null || isRange(s)))
    return null;
  return { record: record as unknown as SampleRecord, t, s };
}

function isRange(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}
