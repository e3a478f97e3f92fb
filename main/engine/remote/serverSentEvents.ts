/** Reads one event's payload, the UTF-8 bytes `bytes[start, end)` (JSON.parse, or a faster reader). */
export type PayloadReader = (bytes: Buffer, start: number, end: number) => unknown;

/** The reader for servers' plain JSON payloads. */
export const readJsonPayload: PayloadReader = (bytes, start, end) => JSON.parse(bytes.toString('utf8', start, end));

/**
 * The `data:` payloads of a server-sent event stream (the format of `stream: true` completions),
 * each read by `read`, in order, a batch per chunk of the body (all the events the chunk
 * completes): a fast server sends dozens of one-token events per network read, and taking them
 * one `await` at a time cost more than parsing them. The OpenAI terminator `[DONE]` ends the
 * stream. Comments and other fields are skipped; llama-server's `error:` lines become an
 * `{"error": …}` payload.
 *
 * The stream is split into lines on its bytes, and each payload handed to `read` as bytes: with
 * token signals most of an event's bytes are candidates that a reader can take from the bytes
 * directly, and decoding them all to a string first cost more than reading them
 * (docs/remote.md, "How fast the client ingests"). A newline byte never occurs inside a UTF-8
 * character, so a line's bytes are the same however the body was split into chunks.
 */
export async function* serverSentEvents(
  body: AsyncIterable<Uint8Array>,
  read: PayloadReader,
): AsyncGenerator<unknown[]> {
  const parser = new EventParser(read);
  for await (const chunk of body) {
    const batch = parser.push(asBuffer(chunk));
    if (batch.length > 0) yield batch;
    if (parser.done) return;
  }
  const last = parser.end();
  if (last.length > 0) yield last;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const COLON = 58;
const DATA_FIELD = Buffer.from('data:');
const DONE = Buffer.from('[DONE]');
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);
const NEWLINE_BYTES = Buffer.from('\n');

const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

class EventParser {
  /** The start of a line the last chunk did not finish (a copy). */
  private partial: Buffer | null = null;
  /** The current event's data so far: `dataBytes[dataStart, dataEnd)`, null before its first data line. */
  private dataBytes: Buffer | null = null;
  private dataStart = 0;
  private dataEnd = 0;
  private started = false;
  done = false;

  constructor(private readonly read: PayloadReader) {}

  push(chunk: Buffer): unknown[] {
    const out: unknown[] = [];
    let from = 0;
    if (this.partial) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        this.partial = Buffer.concat([this.partial, chunk]);
        return out;
      }
      const line = Buffer.concat([this.partial, chunk.subarray(0, newline)]);
      this.partial = null;
      this.line(line, 0, line.length, out);
      from = newline + 1;
    }
    while (!this.done) {
      const newline = chunk.indexOf(NEWLINE, from);
      if (newline < 0) break;
      this.line(chunk, from, newline, out);
      from = newline + 1;
    }
    if (this.done) return out;
    // The body may reuse its chunk's memory: what outlives this call is copied.
    if (from < chunk.length) this.partial = Buffer.from(chunk.subarray(from));
    if (this.dataBytes === chunk)
      this.setData(Buffer.from(chunk.subarray(this.dataStart, this.dataEnd)), 0, this.dataEnd - this.dataStart);
    return out;
  }

  /** The body ended: a last line without its newline, and an event without its blank line. */
  end(): unknown[] {
    const out: unknown[] = [];
    const rest = this.partial;
    this.partial = null;
    if (rest) this.line(rest, 0, rest.length, out);
    if (!this.done) this.dispatch(out);
    return out;
  }

  private line(bytes: Buffer, start: number, end: number, out: unknown[]): void {
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end -= 1;
    if (!this.started) {
      // A byte order mark at the start of the stream is not part of its first line (as TextDecoder drops it).
      this.started = true;
      if (startsWith(bytes, start, end, BYTE_ORDER_MARK)) start += BYTE_ORDER_MARK.length;
    }
    if (start === end) return this.dispatch(out);
    // The common case first: "data: {…}".
    if (startsWith(bytes, start, end, DATA_FIELD)) {
      const value = start + DATA_FIELD.length;
      return this.addData(bytes, bytes[value] === SPACE && value < end ? value + 1 : value, end);
    }
    if (bytes[start] === COLON) return; // a comment
    const colon = bytes.indexOf(COLON, start);
    const fieldEnd = colon < 0 || colon >= end ? end : colon;
    const field = bytes.toString('utf8', start, fieldEnd);
    let value = fieldEnd === end ? fieldEnd : fieldEnd + 1;
    if (value < end && bytes[value] === SPACE) value += 1;
    if (field === 'data') return this.addData(bytes, value, end);
    if (field === 'error') {
      const text = bytes.toString('utf8', value, end);
      const payload = Buffer.from(JSON.stringify({ error: safeJson(text) ?? text }));
      this.addData(payload, 0, payload.length);
    }
  }

  /** One data line; the lines of one event are joined by newlines. */
  private addData(bytes: Buffer, start: number, end: number): void {
    if (this.dataBytes === null) return this.setData(bytes, start, end);
    const joined = Buffer.concat([
      this.dataBytes.subarray(this.dataStart, this.dataEnd),
      NEWLINE_BYTES,
      bytes.subarray(start, end),
    ]);
    this.setData(joined, 0, joined.length);
  }

  private setData(bytes: Buffer | null, start: number, end: number): void {
    this.dataBytes = bytes;
    this.dataStart = start;
    this.dataEnd = end;
  }

  private dispatch(out: unknown[]): void {
    const bytes = this.dataBytes;
    if (bytes === null) return;
    const { dataStart: start, dataEnd: end } = this;
    this.setData(null, 0, 0);
    if (end - start === DONE.length && startsWith(bytes, start, end, DONE)) this.done = true;
    else out.push(this.read(bytes, start, end));
  }
}

function startsWith(bytes: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
  return true;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
