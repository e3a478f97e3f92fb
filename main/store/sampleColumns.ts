import type { SampleRecord } from '../../common/api/contract/runs';
import { SIGNAL_SUMMARY_FIELDS, type SampleLocation, type SignalSummaryField } from './sampleRows';

/** `flags` bits. */
export const CORRECT = 1;
export const CUT = 2;

export const OUTCOME_NAMES = ['correct', 'wrong', 'unparsed', 'error'] as const;

/** Interns strings to small integers, so columns hold ordinals. */
export class Interned {
  readonly values: string[];
  /** Built on first use: a run loaded from its cache may never intern anything new. */
  private ordinals: Map<string, number> | null = null;
  private last: string | null = null;
  private lastOrdinal = -1;

  /** `initial` must not repeat a value. */
  constructor(initial: readonly string[] = []) {
    this.values = [...initial];
  }

  of(value: string): number {
    if (value === this.last) return this.lastOrdinal;
    if (!this.ordinals) this.ordinals = new Map(this.values.map((v, i) => [v, i]));
    let ordinal = this.ordinals.get(value);
    if (ordinal === undefined) {
      ordinal = this.values.length;
      this.values.push(value);
      this.ordinals.set(value, ordinal);
    }
    this.last = value;
    this.lastOrdinal = ordinal;
    return ordinal;
  }
}

type NumberColumn =
  | 'index'
  | 'sampleIndex'
  | 'seed'
  | 'phase1Tokens'
  | 'delimitedThinkingTokens'
  | 'answerTokens'
  | 'totalTokens'
  | 'cutAt'
  | 'extensions'
  | 'generateMs'
  | 'tokensPerSecond'
  | SignalSummaryField
  | 'discardedTokens'
  | 'probeCount'
  | 'tOffset'
  | 'tLength'
  | 'sOffset'
  | 'sLength';
type OrdinalColumn = 'outcome' | 'stopReason' | 'problem' | 'answer' | 'extracted' | 'gold';
export type StringTable = 'stopReasons' | 'problems' | 'answers' | 'texts';

/** Numeric columns (Float64Array; NaN stands for JSON null, which no JSON number can be). */
export const NUMBER_COLUMNS: readonly NumberColumn[] = [
  'index',
  'sampleIndex',
  'seed',
  'phase1Tokens',
  'delimitedThinkingTokens',
  'answerTokens',
  'totalTokens',
  'cutAt',
  'extensions',
  'generateMs',
  'tokensPerSecond',
  ...SIGNAL_SUMMARY_FIELDS,
  'discardedTokens',
  'probeCount',
  'tOffset',
  'tLength',
  'sOffset',
  'sLength',
];
/** Ordinals into the string tables (Int32Array; −1 for null). */
export const ORDINAL_COLUMNS: readonly OrdinalColumn[] = [
  'outcome',
  'stopReason',
  'problem',
  'answer',
  'extracted',
  'gold',
];

/**
 * A run's samples in memory as columns (typed arrays, in file order) instead of one object per
 * sample: aggregation reads a few numbers per sample, and columns can be saved and loaded as
 * a whole (samplesCache.ts). Values are those of the samples file, i.e. of the record after a
 * JSON round trip (NaN and ±Infinity become null, −0 becomes 0). A record that columns cannot
 * hold exactly (a value of another type than the schema's) is reported by `setRecord`, and its
 * run falls back to keeping it as an object. `planOrder()` gives the order records and
 * summaries use.
 */
export class SampleColumns {
  length = 0;
  private capacity: number;
  readonly numbers: Record<NumberColumn, Float64Array>;
  readonly ordinals: Record<OrdinalColumn, Int32Array>;
  flags: Uint8Array;
  private keyList: string[] | null = [];
  private keyLoader: (() => string[]) | null = null;
  readonly stopReasons: Interned;
  readonly problems: Interned;
  readonly answers: Interned;
  /** `extracted` and `gold` strings. */
  readonly texts: Interned;

  constructor(capacity = 1024, tables: Partial<Record<StringTable, readonly string[]>> = {}) {
    this.stopReasons = new Interned(tables.stopReasons);
    this.problems = new Interned(tables.problems);
    this.answers = new Interned(tables.answers);
    this.texts = new Interned(tables.texts);
    this.capacity = Math.max(16, capacity);
    const f64 = () => new Float64Array(this.capacity);
    const i32 = () => new Int32Array(this.capacity);
    // Object literals (one shape each) rather than built from the name lists: faster to index.
    this.numbers = {
      index: f64(),
      sampleIndex: f64(),
      seed: f64(),
      phase1Tokens: f64(),
      delimitedThinkingTokens: f64(),
      answerTokens: f64(),
      totalTokens: f64(),
      cutAt: f64(),
      extensions: f64(),
      generateMs: f64(),
      tokensPerSecond: f64(),
      meanLogprob: f64(),
      meanEntropy: f64(),
      meanConfidence: f64(),
      lowestGroupConfidence: f64(),
      bottomGroupConfidence: f64(),
      tailConfidence: f64(),
      discardedTokens: f64(),
      probeCount: f64(),
      tOffset: f64(),
      tLength: f64(),
      sOffset: f64(),
      sLength: f64(),
    };
    this.ordinals = { outcome: i32(), stopReason: i32(), problem: i32(), answer: i32(), extracted: i32(), gold: i32() };
    this.flags = new Uint8Array(this.capacity);
  }

  /** Each row's key (loaded on first use when the columns came from a cache: aggregation needs none). */
  get keys(): string[] {
    if (this.keyList === null) {
      this.keyList = this.keyLoader!();
      this.keyLoader = null;
    }
    return this.keyList;
  }

  set keys(keys: string[]) {
    this.keyList = keys;
    this.keyLoader = null;
  }

  loadKeysLater(loader: () => string[]): void {
    this.keyList = null;
    this.keyLoader = loader;
  }

  /** Makes room for row `row`; a row counts once `length` is incremented past it. */
  reserve(row: number): void {
    if (row < this.capacity) return;
    let capacity = this.capacity;
    while (capacity <= row) capacity *= 2;
    this.capacity = capacity;
    for (const c of NUMBER_COLUMNS) this.numbers[c] = grow(this.numbers[c], new Float64Array(capacity));
    for (const c of ORDINAL_COLUMNS) this.ordinals[c] = grow(this.ordinals[c], new Int32Array(capacity));
    this.flags = grow(this.flags, new Uint8Array(capacity));
  }

  /**
   * Writes a record (as the samples file holds it) into row `row`. Returns false when a value
   * is not of its column's type, so that the columns do not hold the record exactly.
   */
  setRecord(row: number, r: SampleRecord, at: SampleLocation): boolean {
    this.reserve(row);
    const n = this.numbers;
    n.index[row] = numberOf(r.index);
    n.sampleIndex[row] = numberOf(r.sampleIndex);
    n.seed[row] = numberOf(r.seed);
    n.phase1Tokens[row] = numberOf(r.phase1Tokens);
    n.delimitedThinkingTokens[row] = numberOf(r.delimitedThinkingTokens);
    n.answerTokens[row] = numberOf(r.answerTokens);
    n.totalTokens[row] = numberOf(r.totalTokens);
    n.cutAt[row] = numberOf(r.cutAt);
    n.extensions[row] = numberOf(r.extensions);
    n.generateMs[row] = numberOf(r.generateMs);
    n.tokensPerSecond[row] = numberOf(r.tokensPerSecond);
    n.meanLogprob[row] = numberOf(r.meanLogprob);
    n.meanEntropy[row] = numberOf(r.meanEntropy);
    n.meanConfidence[row] = numberOf(r.meanConfidence);
    n.lowestGroupConfidence[row] = numberOf(r.lowestGroupConfidence);
    n.bottomGroupConfidence[row] = numberOf(r.bottomGroupConfidence);
    n.tailConfidence[row] = numberOf(r.tailConfidence);
    n.discardedTokens[row] = numberOf(r.discardedTokens);
    n.probeCount[row] = numberOf(r.probeCount);
    n.tOffset[row] = at.t[0];
    n.tLength[row] = at.t[1];
    n.sOffset[row] = at.s ? at.s[0] : NaN;
    n.sLength[row] = at.s ? at.s[1] : NaN;
    this.flags[row] = (r.correct === true ? CORRECT : 0) | (r.cut === true ? CUT : 0);
    const o = this.ordinals;
    const outcome = OUTCOME_NAMES.indexOf(r.outcome);
    o.outcome[row] = outcome;
    o.stopReason[row] = typeof r.stopReason === 'string' ? this.stopReasons.of(r.stopReason) : -1;
    o.problem[row] = typeof r.problemId === 'string' ? this.problems.of(r.problemId) : -1;
    o.answer[row] = typeof r.answerKey === 'string' ? this.answers.of(r.answerKey) : -1;
    o.extracted[row] = typeof r.extracted === 'string' ? this.texts.of(r.extracted) : -1;
    o.gold[row] = typeof r.gold === 'string' ? this.texts.of(r.gold) : -1;
    this.keys[row] = r.key;
    // Whether the columns give this record back exactly (after a JSON round trip). Counts and
    // times may be null (NaN and Infinity are written as null); the schema's other types may not.
    return (
      typeof r.key === 'string' &&
      Number.isFinite(r.index) &&
      numberOrNull(r.sampleIndex) &&
      numberOrNull(r.seed) &&
      numberOrNull(r.phase1Tokens) &&
      numberOrNull(r.delimitedThinkingTokens) &&
      numberOrNull(r.answerTokens) &&
      numberOrNull(r.totalTokens) &&
      numberOrNull(r.cutAt) &&
      numberOrNull(r.extensions) &&
      numberOrNull(r.generateMs) &&
      numberOrNull(r.tokensPerSecond) &&
      numberOrNull(r.meanLogprob) &&
      numberOrNull(r.meanEntropy) &&
      numberOrNull(r.meanConfidence) &&
      numberOrNull(r.lowestGroupConfidence) &&
      numberOrNull(r.bottomGroupConfidence) &&
      numberOrNull(r.tailConfidence) &&
      numberOrNull(r.discardedTokens) &&
      numberOrNull(r.probeCount) &&
      typeof r.correct === 'boolean' &&
      typeof r.cut === 'boolean' &&
      outcome !== -1 &&
      typeof r.stopReason === 'string' &&
      typeof r.problemId === 'string' &&
      stringOrNull(r.answerKey) &&
      stringOrNull(r.extracted) &&
      stringOrNull(r.gold)
    );
  }

  /** Row `row` as a record, as JSON.parse would give it from the samples file. */
  record(row: number): SampleRecord {
    const n = this.numbers;
    const o = this.ordinals;
    const flags = this.flags[row]!;
    const answer = o.answer[row]!;
    const extracted = o.extracted[row]!;
    const gold = o.gold[row]!;
    return {
      index: n.index[row]!,
      key: this.keys[row]!,
      problemId: this.problems.values[o.problem[row]!]!,
      sampleIndex: orNull(n.sampleIndex[row]!) as number,
      seed: orNull(n.seed[row]!) as number,
      phase1Tokens: orNull(n.phase1Tokens[row]!) as number,
      delimitedThinkingTokens: orNull(n.delimitedThinkingTokens[row]!),
      answerTokens: orNull(n.answerTokens[row]!) as number,
      totalTokens: orNull(n.totalTokens[row]!) as number,
      cut: (flags & CUT) !== 0,
      cutAt: orNull(n.cutAt[row]!),
      stopReason: this.stopReasons.values[o.stopReason[row]!] as SampleRecord['stopReason'],
      extensions: orNull(n.extensions[row]!) as number,
      outcome: OUTCOME_NAMES[o.outcome[row]!]!,
      correct: (flags & CORRECT) !== 0,
      extracted: extracted === -1 ? null : this.texts.values[extracted]!,
      answerKey: answer === -1 ? null : this.answers.values[answer]!,
      gold: gold === -1 ? null : this.texts.values[gold]!,
      generateMs: orNull(n.generateMs[row]!) as number,
      tokensPerSecond: orNull(n.tokensPerSecond[row]!) as number,
      meanLogprob: orNull(n.meanLogprob[row]!),
      meanEntropy: orNull(n.meanEntropy[row]!),
      meanConfidence: orNull(n.meanConfidence[row]!),
      lowestGroupConfidence: orNull(n.lowestGroupConfidence[row]!),
      bottomGroupConfidence: orNull(n.bottomGroupConfidence[row]!),
      tailConfidence: orNull(n.tailConfidence[row]!),
      discardedTokens: orNull(n.discardedTokens[row]!) as number,
      probeCount: orNull(n.probeCount[row]!) as number,
    };
  }

  /** Where the last signal block the rows point to ends in the signals file (0: none). */
  signalsEnd(): number {
    const { sOffset, sLength } = this.numbers;
    let end = 0;
    for (let i = 0; i < this.length; i++) {
      const blockEnd = sOffset[i]! + sLength[i]!;
      if (blockEnd > end) end = blockEnd; // NaN (no signals) compares false
    }
    return end;
  }

  /** Where row `row`'s trajectory line and signal block lie. */
  location(row: number): SampleLocation {
    const n = this.numbers;
    const sOffset = n.sOffset[row]!;
    return {
      t: [n.tOffset[row]!, n.tLength[row]!],
      s: sOffset === sOffset ? [sOffset, n.sLength[row]!] : null,
    };
  }

  /**
   * Rows in plan order: by `index`, ties in file order (what a stable sort of the records by
   * index gives). The file is usually nearly in order and the indices distinct small integers,
   * which a counting sort places in one pass.
   */
  planOrder(): Uint32Array {
    const n = this.length;
    const index = this.numbers.index;
    const order = new Uint32Array(n);
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (!(index[i - 1]! <= index[i]!)) sorted = false;
    if (sorted) {
      for (let i = 0; i < n; i++) order[i] = i;
      return order;
    }
    let min = Infinity;
    let max = -Infinity;
    let integers = true;
    for (let i = 0; i < n; i++) {
      const v = index[i]!;
      if (!Number.isInteger(v)) integers = false;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const span = max - min + 1;
    if (integers && span <= 4 * n + 1024) {
      const starts = new Uint32Array(span + 1);
      for (let i = 0; i < n; i++) starts[index[i]! - min + 1]!++;
      for (let k = 1; k <= span; k++) starts[k]! += starts[k - 1]!;
      for (let i = 0; i < n; i++) order[starts[index[i]! - min]!++] = i;
      return order;
    }
    const rows = Array.from({ length: n }, (_, i) => i);
    rows.sort((a, b) => index[a]! - index[b]! || a - b);
    order.set(rows);
    return order;
  }
}

/** A JSON value as a numeric column holds it: NaN for null (and for NaN and ±Infinity, which JSON writes as null). */
function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value + 0 : NaN;
}

function numberOrNull(value: unknown): boolean {
  return typeof value === 'number' || value === null || value === undefined;
}

function stringOrNull(value: unknown): boolean {
  return typeof value === 'string' || value === null || value === undefined;
}

function orNull(value: number): number | null {
  return value === value ? value : null;
}

function grow<A extends Float64Array | Int32Array | Uint8Array>(from: A, to: A): A {
  to.set(from);
  return to;
}
