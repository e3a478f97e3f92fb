import { CandidateSignal } from './CandidateSignal';
import type { PayloadReader } from './serverSentEvents';
import { readJsonNumber, readUnsignedInteger, numberRead, skipJsonString } from './jsonBytes';
import { signalOfCandidateSpan } from './streamedSignals';

/**
 * The JSON of one streamed completion event, read faster where llama-server's candidates make
 * it large: with token signals every token carries K `top_logprobs` entries
 * (`{"id":…,"token":"…","bytes":[…],"logprob":…}`, K = 20 by default), about three quarters of
 * the event, of which the client needs only the ids and log-probabilities. Those arrays are read
 * straight from the received bytes (never decoded to a string, no object per candidate) into
 * reused typed arrays, the token's signal is computed from them, and JSON.parse gets only the
 * rest of the event. Anything that does not have exactly that shape, in JSON's own grammar, is
 * parsed whole by JSON.parse, so the result is what JSON.parse gives, each candidate array
 * replaced by a CandidateSignal.
 */
export function completionEventReader(topK: number | null): PayloadReader {
  return (bytes, start, end) => readCompletionEvent(bytes, start, end, topK);
}

/*
 * The array's key is searched from its second byte: Buffer.indexOf with a needle that starts
 * with a quote, as frequent as any byte in JSON, took three times as long (~330 against ~100 ns
 * over an event).
 */
const ARRAY_KEY = Buffer.from('top_logprobs":[');

const QUOTE = 34;
const COMMA = 44;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;

/**
 * The candidates of the event being read, every array's in turn (ids and log-probabilities),
 * and where each array ends: reused from event to event, grown when an event brings more.
 */
let ids: Float64Array = new Float64Array(256);
let logprobs: Float64Array = new Float64Array(256);
let count = 0;
const listEnds: number[] = [];

function readCompletionEvent(bytes: Buffer, start: number, end: number, topK: number | null): unknown {
  let at = arrayStart(bytes, start, end);
  if (at < 0) return parseWhole(bytes, start, end);
  count = 0;
  listEnds.length = 0;
  let rest = '';
  let copied = start;
  while (at >= 0) {
    const from = at + ARRAY_KEY.length + 1;
    const close = readCandidates(bytes, from, end);
    if (close < 0) return parseWhole(bytes, start, end);
    listEnds.push(count);
    rest += bytes.toString('utf8', copied, from);
    copied = close;
    at = arrayStart(bytes, close, end);
  }
  const value = JSON.parse(rest + bytes.toString('utf8', copied, end)) as unknown;
  return attach(value, topK) ? value : parseWhole(bytes, start, end);
}

function parseWhole(bytes: Buffer, start: number, end: number): unknown {
  return JSON.parse(bytes.toString('utf8', start, end));
}

/** The index of the next `"top_logprobs":[` in `[from, end)`, or −1. */
function arrayStart(bytes: Buffer, from: number, end: number): number {
  for (
    let at = bytes.indexOf(ARRAY_KEY, from + 1);
    at >= 0 && at + ARRAY_KEY.length <= end;
    at = bytes.indexOf(ARRAY_KEY, at + 1)
  ) {
    if (bytes[at - 1] === QUOTE) return at - 1;
  }
  return -1;
}

/**
 * Reads `{…},{…}` up to the closing bracket into the candidate arrays; returns the bracket's
 * index, or −1 if anything else is there. Each candidate must be exactly
 * `{"id":N,"token":"…","bytes":[N,…],"logprob":X}`: its text is stepped over as a JSON string
 * (escapes checked, control characters refused, as JSON.parse does; its UTF-8 is not checked,
 * and JSON.parse accepts whatever TextDecoder makes of it), the bytes as unsigned integers.
 * The keys are compared four bytes at a time: a byte costs about a nanosecond here, and a
 * candidate is ~70 of them.
 */
function readCandidates(bytes: Buffer, from: number, end: number): number {
  const view = viewOf(bytes);
  const offset = bytes.byteOffset;
  let i = from;
  if (bytes[i] === CLOSE_BRACKET) return i;
  for (;;) {
    // The shortest candidate, `{"id":0,"token":"","bytes":[],"logprob":0}`, is 42 bytes.
    if (i + 42 > end) return -1;
    if (view.getUint32(offset + i) !== ID_1 || view.getUint16(offset + i + 4) !== ID_2) return -1;
    i = readUnsignedInteger(bytes, i + 6);
    if (i < 0 || i + 29 > end) return -1;
    const id = numberRead[0]!;
    const at = offset + i;
    if (view.getUint32(at) !== TOKEN_1 || view.getUint32(at + 4) !== TOKEN_2 || view.getUint16(at + 8) !== TOKEN_3)
      return -1;
    i = skipJsonString(bytes, i + 10, end);
    if (i < 0 || i + 21 > end) return -1;
    const bytesAt = offset + i;
    if (
      view.getUint32(bytesAt) !== BYTES_1 ||
      view.getUint32(bytesAt + 4) !== BYTES_2 ||
      view.getUint16(bytesAt + 8) !== BYTES_3
    ) {
      return -1;
    }
    i += 10;
    if (bytes[i] !== CLOSE_BRACKET) {
      for (;;) {
        i = readUnsignedInteger(bytes, i);
        if (i < 0) return -1;
        if (bytes[i] !== COMMA) break;
        i += 1;
      }
    }
    if (i + 14 > end) return -1;
    const logprobAt = offset + i;
    if (
      view.getUint32(logprobAt) !== LOGPROB_1 ||
      view.getUint32(logprobAt + 4) !== LOGPROB_2 ||
      view.getUint32(logprobAt + 8) !== LOGPROB_3
    ) {
      return -1;
    }
    i = readJsonNumber(bytes, i + 12);
    if (i < 0 || bytes[i] !== CLOSE_BRACE) return -1;
    pushCandidate(id, numberRead[0]!);
    const next = bytes[i + 1];
    if (next === CLOSE_BRACKET) return i + 1 < end ? i + 1 : -1;
    if (next !== COMMA) return -1;
    i += 2;
  }
}

/** A DataView of the buffer under `bytes`, kept while events come from the same chunk. */
let view: DataView = new DataView(new ArrayBuffer(0));
function viewOf(bytes: Buffer): DataView {
  if (view.buffer !== bytes.buffer) view = new DataView(bytes.buffer);
  return view;
}

/** Bytes `[from, from + 4)` (or 2) of a key as the big-endian number DataView reads them as. */
const word = (key: string, from: number) => Buffer.from(key).readUInt32BE(from);
const half = (key: string, from: number) => Buffer.from(key).readUInt16BE(from);
const ID_1 = word('{"id":', 0);
const ID_2 = half('{"id":', 4);
const TOKEN_1 = word(',"token":"', 0);
const TOKEN_2 = word(',"token":"', 4);
const TOKEN_3 = half(',"token":"', 8);
const BYTES_1 = word(',"bytes":[', 0);
const BYTES_2 = word(',"bytes":[', 4);
const BYTES_3 = half(',"bytes":[', 8);
const LOGPROB_1 = word('],"logprob":', 0);
const LOGPROB_2 = word('],"logprob":', 4);
const LOGPROB_3 = word('],"logprob":', 8);

function pushCandidate(id: number, logprob: number): void {
  if (count === ids.length) {
    ids = grown(ids);
    logprobs = grown(logprobs);
  }
  ids[count] = id;
  logprobs[count] = logprob;
  count += 1;
}

function grown(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * Puts a CandidateSignal, computed from each candidate array in the order they were read, into
 * the `top_logprobs` of `choices[].logprobs.content[]` (the only place llama-server writes
 * them); false if the arrays and those places do not pair up exactly, or an entry has no
 * integer id to compute its signal for.
 */
function attach(value: unknown, topK: number | null): boolean {
  let next = 0;
  const choices = (value as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    const content = (choice as { logprobs?: { content?: unknown } } | null)?.logprobs?.content;
    if (!Array.isArray(content)) continue;
    for (const entry of content) {
      const slot = entry as { id?: unknown; top_logprobs?: unknown } | null;
      if (!slot || !Array.isArray(slot.top_logprobs)) continue;
      if (slot.top_logprobs.length !== 0 || next >= listEnds.length || !Number.isInteger(slot.id)) return false;
      const from = next === 0 ? 0 : listEnds[next - 1]!;
      const to = listEnds[next++]!;
      slot.top_logprobs =
        topK === null
          ? CandidateSignal.NOT_ASKED
          : new CandidateSignal(topK, signalOfCandidateSpan(slot.id as number, ids, logprobs, from, to, topK));
    }
  }
  return next === listEnds.length;
}
