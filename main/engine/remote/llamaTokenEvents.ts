import { CandidateSignal } from './CandidateSignal';
import { clearCandidates, candidatesRead, readCandidates, signalOfCandidatesRead } from './candidateBytes';
import { numberRead, readJsonNumber, readUnsignedInteger, skipJsonString, skipUnsignedList } from './jsonBytes';

/**
 * llama-server's event of one generated token, read whole from its bytes without JSON.parse:
 *
 *     {"choices":[{"text":"…","index":0,"logprobs":{"content":[{"id":N,"token":"…","bytes":[…],
 *     "logprob":X,"top_logprobs":[…]}]},"finish_reason":null}],"created":N,"model":"…",
 *     "system_fingerprint":"…","object":"…","id":"…"}
 *
 * exactly so, byte for byte around the values. Every token of a stream comes in one of these,
 * and after the candidates JSON.parse of the rest was the largest cost per token left (about
 * 2 µs of the ~14 a token cost with signals; docs/remote.md, "How fast the client ingests").
 * The value built is the one JSON.parse gives (the same keys in the same order, the same
 * numbers and strings), the candidates replaced by their CandidateSignal; strings that repeat
 * from event to event (model, fingerprint, object, id) are decoded once per reader. Anything
 * else gives null, for the general reader (completionEvents.ts).
 */
export class LlamaTokenEvents {
  private readonly model = new RepeatedString();
  private readonly fingerprint = new RepeatedString();
  private readonly object = new RepeatedString();
  private readonly id = new RepeatedString();

  constructor(private readonly topK: number | null) {}

  read(bytes: Buffer, start: number, end: number): unknown {
    let i = start;
    if (!matches(bytes, i, OPEN)) return null;
    const textFrom = i + OPEN.length;
    i = skipJsonString(bytes, textFrom, end);
    if (i < 0 || !matches(bytes, i, INDEX)) return null;
    const textTo = i - 1;
    i = readUnsignedInteger(bytes, i + INDEX.length);
    if (i < 0 || !matches(bytes, i, CONTENT)) return null;
    const index = numberRead[0]!;
    i = readUnsignedInteger(bytes, i + CONTENT.length);
    if (i < 0 || !matches(bytes, i, TOKEN)) return null;
    const tokenId = numberRead[0]!;
    const tokenFrom = i + TOKEN.length;
    i = skipJsonString(bytes, tokenFrom, end);
    if (i < 0 || !matches(bytes, i, BYTES)) return null;
    const tokenTo = i - 1;
    const bytesFrom = i + BYTES.length;
    i = skipUnsignedList(bytes, bytesFrom);
    const tokenBytes = i < 0 ? null : unsignedList(bytes, bytesFrom, i);
    if (tokenBytes === null || !matches(bytes, i, LOGPROB)) return null;
    i = readJsonNumber(bytes, i + LOGPROB.length);
    if (i < 0 || !matches(bytes, i, TOP)) return null;
    const logprob = numberRead[0]!;
    clearCandidates();
    i = readCandidates(bytes, i + TOP.length, end);
    if (i < 0 || !matches(bytes, i + 1, CREATED)) return null;
    i = readUnsignedInteger(bytes, i + 1 + CREATED.length);
    if (i < 0 || !matches(bytes, i, MODEL)) return null;
    const created = numberRead[0]!;
    const model = this.model.read(bytes, i + MODEL.length, end);
    if (model === null || !matches(bytes, this.model.after, FINGERPRINT)) return null;
    const fingerprint = this.fingerprint.read(bytes, this.model.after + FINGERPRINT.length, end);
    if (fingerprint === null || !matches(bytes, this.fingerprint.after, OBJECT)) return null;
    const object = this.object.read(bytes, this.fingerprint.after + OBJECT.length, end);
    if (object === null || !matches(bytes, this.object.after, ID)) return null;
    const id = this.id.read(bytes, this.object.after + ID.length, end);
    if (id === null || this.id.after !== end - 1 || bytes[end - 1] !== CLOSE_BRACE) return null;

    const text = decodeString(bytes, textFrom, textTo);
    // llama-server's text is the token's piece: one string for both when their bytes agree.
    const length = tokenTo - tokenFrom;
    const token =
      length === textTo - textFrom && sameBytes(bytes, textFrom, tokenFrom, length)
        ? text
        : decodeString(bytes, tokenFrom, tokenTo);
    const count = candidatesRead();
    const topLogprobs =
      this.topK === null
        ? CandidateSignal.NOT_ASKED
        : new CandidateSignal(this.topK, signalOfCandidatesRead(tokenId, 0, count, this.topK));
    return {
      choices: [
        {
          text,
          index,
          logprobs: {
            content: [{ id: tokenId, token, bytes: tokenBytes, logprob, top_logprobs: topLogprobs }],
          },
          finish_reason: null,
        },
      ],
      created,
      model,
      system_fingerprint: fingerprint,
      object,
      id,
    };
  }
}

const QUOTE = 34;
const COMMA = 44;
const ZERO = 48;
const BACKSLASH = 92;
const CLOSE_BRACE = 125;

const OPEN = literal('{"choices":[{"text":"');
const INDEX = literal(',"index":');
const CONTENT = literal(',"logprobs":{"content":[{"id":');
const TOKEN = literal(',"token":"');
const BYTES = literal(',"bytes":[');
const LOGPROB = literal('],"logprob":');
const TOP = literal(',"top_logprobs":[');
/** After the candidates' closing bracket. */
const CREATED = literal('}]},"finish_reason":null}],"created":');
const MODEL = literal(',"model":"');
const FINGERPRINT = literal(',"system_fingerprint":"');
const OBJECT = literal(',"object":"');
const ID = literal(',"id":"');

/** A literal's bytes as a plain array of small integers (read faster than a Buffer's). */
function literal(text: string): readonly number[] {
  return [...Buffer.from(text)];
}

/**
 * The integers of a list skipUnsignedList accepted, `[from, close)`, in an array made at their
 * count: an array pushed from empty grows to room for 17 numbers at its first push, about 100
 * bytes per token more than a token's few bytes need, and clearing a reused one (`length = 0`)
 * is a runtime call that cost as much (docs/remote.md, "How fast the client ingests"). Null if
 * one is past 2^53 (JSON.parse would round it), as readUnsignedInteger refuses it.
 */
function unsignedList(bytes: Buffer, from: number, close: number): number[] | null {
  let count = from === close ? 0 : 1;
  for (let k = from; k < close; k++) if (bytes[k] === COMMA) count += 1;
  const list = new Array<number>(count);
  let value = 0;
  let n = 0;
  for (let k = from; k < close; k++) {
    const c = bytes[k]!;
    if (c === COMMA) {
      list[n++] = value;
      value = 0;
    } else {
      value = value * 10 + (c - ZERO);
      if (value > Number.MAX_SAFE_INTEGER) return null;
    }
  }
  if (count > 0) list[n] = value;
  return list;
}

function matches(bytes: Buffer, at: number, expected: readonly number[]): boolean {
  for (let k = 0; k < expected.length; k++) if (bytes[at + k] !== expected[k]) return false;
  return true;
}

function sameBytes(bytes: Buffer, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

/** A JSON string's content `[from, to)` as JSON.parse reads it: decoded directly unless it holds escapes. */
function decodeString(bytes: Buffer, from: number, to: number): string {
  for (let k = from; k < to; k++)
    if (bytes[k] === BACKSLASH) return JSON.parse(bytes.toString('utf8', from - 1, to + 1)) as string;
  return bytes.toString('utf8', from, to);
}

/** A string field whose value usually repeats from event to event: decoded again only when its bytes change. */
class RepeatedString {
  private raw: Uint8Array = new Uint8Array(0);
  private value = '';
  /** The index after the closing quote of the string read last. */
  after = 0;

  /** The string whose content starts at `from`; null if there is no valid JSON string there. */
  read(bytes: Buffer, from: number, end: number): string | null {
    // The bytes of the last string (valid JSON string content), then its closing quote: the same string.
    const raw = this.raw;
    const length = raw.length;
    if (from + length < end && bytes[from + length] === QUOTE) {
      let same = true;
      for (let k = 0; k < length && same; k++) same = bytes[from + k] === raw[k];
      if (same) {
        this.after = from + length + 1;
        return this.value;
      }
    }
    const after = skipJsonString(bytes, from, end);
    if (after < 0) return null;
    this.after = after;
    this.raw = Uint8Array.from(bytes.subarray(from, after - 1));
    this.value = decodeString(bytes, from, after - 1);
    return this.value;
  }
}
