import { describe, expect, it } from 'vitest';
import { serverSentEvents } from '../../../main/engine/remote/serverSentEvents';
import { completePrefixLength, Utf8Pieces } from '../../../main/engine/remote/Utf8Pieces';

async function batches(chunks: string[]): Promise<string[][]> {
  const encoder = new TextEncoder();
  async function* body() {
    for (const chunk of chunks) yield encoder.encode(chunk);
  }
  const out: string[][] = [];
  // Each payload as its text.
  for await (const batch of serverSentEvents(body(), (bytes, start, end) => bytes.toString('utf8', start, end))) {
    out.push(batch as string[]);
  }
  return out;
}

const collect = async (chunks: string[]) => (await batches(chunks)).flat();

async function collectBytes(chunks: Uint8Array[]): Promise<string[]> {
  async function* body() {
    yield* chunks;
  }
  const out: string[] = [];
  for await (const batch of serverSentEvents(body(), (bytes, start, end) => bytes.toString('utf8', start, end))) {
    out.push(...(batch as string[]));
  }
  return out;
}

describe('server-sent events', () => {
  it('yields each data payload, whatever the chunking, and stops at [DONE]', async () => {
    const stream =
      'data: {"a":1}\n\n: a comment\n\ndata: {"b":\ndata: 2}\r\n\r\ndata: [DONE]\n\ndata: {"late":true}\n\n';
    const whole = await collect([stream]);
    expect(whole).toEqual(['{"a":1}', '{"b":\n2}']);
    const byteByByte = await collect([...stream]);
    expect(byteByByte).toEqual(whole);
  });

  it('delivers the events a chunk completes as one batch, in order', async () => {
    const events = Array.from({ length: 5 }, (_, i) => `data: {"n":${i}}\n\n`).join('');
    expect(await batches([events.slice(0, 30), events.slice(30)])).toEqual([
      ['{"n":0}', '{"n":1}'],
      ['{"n":2}', '{"n":3}', '{"n":4}'],
    ]);
  });

  it("turns llama-server's error lines into an error payload", async () => {
    const out = await collect(['error: {"code":500,"message":"boom"}\n\n']);
    expect(JSON.parse(out[0]!)).toEqual({ error: { code: 500, message: 'boom' } });
  });

  it('takes a bare "data" line as an empty line of data, and CRLF line ends', async () => {
    expect(await collect(['data\r\ndata: x\r\n\r\n'])).toEqual(['\nx']);
  });

  it('delivers a last event without a blank line after it', async () => {
    expect(await collect(['data: {"x":1}'])).toEqual(['{"x":1}']);
  });

  it('drops a byte order mark at the start of the stream only, wherever the chunks split it', async () => {
    const stream = '\ufeffdata: \ufeffa\n\ndata: b\n\n';
    const bytes = new TextEncoder().encode(stream);
    for (let split = 0; split <= bytes.length; split++) {
      expect(await collectBytes([bytes.subarray(0, split), bytes.subarray(split)])).toEqual(['\ufeffa', 'b']);
    }
  });

  it('decodes payloads as TextDecoder decodes the stream, invalid UTF-8 included', async () => {
    const bytes = Uint8Array.from([
      ...new TextEncoder().encode('data: a'),
      0xc3,
      0xff,
      0xe2,
      0x82,
      ...new TextEncoder().encode('\n\ndata: \u20ac\n\n'),
    ]);
    expect(await collectBytes([bytes.subarray(0, 8), bytes.subarray(8)])).toEqual(['a\ufffd\ufffd\ufffd', '\u20ac']);
  });
});

describe('text of streamed tokens', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);

  it('holds a UTF-8 character split across tokens until it is complete', () => {
    const pieces = new Utf8Pieces();
    // "é" is C3 A9, "€" is E2 82 AC.
    expect(pieces.push(bytes(0x61, 0xc3))).toBe('a');
    expect(pieces.peek(bytes(0xa9))).toBe('é');
    expect(pieces.push(bytes(0xa9, 0xe2))).toBe('é');
    expect(pieces.push(bytes(0x82))).toBe('');
    expect(pieces.push(bytes(0xac, 0x21))).toBe('€!');
  });

  it('gives a shared token array its text, and holds back its bytes as any others after an incomplete character', () => {
    const shared = bytes(0x20, 0x61, 0x62);
    const pieces = new Utf8Pieces();
    expect(pieces.push(shared, true)).toBe(' ab');
    expect(pieces.push(shared, true)).toBe(' ab');
    expect(pieces.push(bytes(0xc3), true)).toBe('');
    expect(pieces.push(shared, true)).toBe('\ufffd ab');
    expect(pieces.push(bytes(0x63), false)).toBe('c');
  });

  it('never holds more than an incomplete character, and lets invalid bytes through', () => {
    expect(completePrefixLength(bytes(0x61, 0xf0, 0x9f, 0x98))).toBe(1);
    expect(completePrefixLength(bytes(0xf0, 0x9f, 0x98, 0x80))).toBe(4);
    expect(completePrefixLength(bytes(0xff))).toBe(1);
    expect(completePrefixLength(bytes(0x80, 0x80, 0x80, 0x80))).toBe(4);
  });
});
