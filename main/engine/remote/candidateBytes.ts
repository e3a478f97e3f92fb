import { readJsonNumber, readUnsignedInteger, numberRead, skipJsonString, skipUnsignedList } from './jsonBytes';
import { signalOfCandidateSpan } from './streamedSignals';
import type { TokenSignal } from '../backend/GenerationBackend';

/**
 * llama-server's `top_logprobs` arrays read from the received bytes (completionEvents.ts,
 * llamaTokenEvents.ts): the candidates' ids and log-probabilities only, into arrays reused from
 * event to event, and the signal they give.
 */

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

/** Forgets the candidates read so far (at the start of an event). */
export function clearCandidates(): void {
  count = 0;
}

/** How many candidates were read since clearCandidates: where the next array's start. */
export const candidatesRead = (): number => count;

/** The signal of candidates `[from, to)` for the token drawn (streamedSignals.ts). */
export function signalOfCandidatesRead(drawn: number, from: number, to: number, topK: number): TokenSignal | null {
  return signalOfCandidateSpan(drawn, ids, logprobs, from, to, topK);
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
export function readCandidates(bytes: Buffer, from: number, end: number): number {
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
    i = skipUnsignedList(bytes, i + 10);
    if (i < 0 || i + 14 > end) return -1;
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
