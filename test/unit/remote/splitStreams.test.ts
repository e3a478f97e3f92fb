/**
 * A recorded stream of llama-server events, with candidates and texts that need every part of
 * the byte reader (escapes, multi-byte characters, texts that look like the JSON around them),
 * read whole and split into network chunks at every byte, and at seeded random sets of bytes:
 * every split gives exactly the events of the whole stream, which are JSON.parse's with each
 * candidate array replaced by its signal.
 */
import { describe, expect, it } from 'vitest';
import { completionEventReader } from '../../../main/engine/remote/completionEvents';
import { serverSentEvents } from '../../../main/engine/remote/serverSentEvents';
import { llamaEvent, reduced } from './llamaEvents';

const TOP_K = 3;
const EVENTS = [
  llamaEvent(314, ' s1', [
    [314, ' s1', '0.0'],
    [294, '\n\nThe final answer is ', -19.99999237060547],
    [315, ' s2', -79.99998474121094],
  ]),
  llamaEvent(7, 'é€', [
    [7, 'é€', '-1e-05'],
    [8, '😀"],"logprob":0}', '-3.4028234663852886e+38'],
    [9, '\\"top_logprobs\\":[', -2.5],
  ]),
  llamaEvent(10, '\n', [
    [10, '\n', -0.0001],
    [11, '\u0000', -9.5],
    [12, '€', -12.25],
  ]),
  '{"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"length"}],"usage":{"completion_tokens":3,"prompt_tokens":26}}',
];
const STREAM = Buffer.from(`${EVENTS.map((e) => `data: ${e}\n\n`).join('')}data: [DONE]\n\n`);

async function read(chunks: Uint8Array[]): Promise<unknown[]> {
  async function* body() {
    yield* chunks;
  }
  const out: unknown[] = [];
  for await (const batch of serverSentEvents(body(), completionEventReader(TOP_K))) out.push(...batch);
  return out;
}

describe('a stream split into chunks anywhere', () => {
  it('gives the events of the whole stream, read as JSON.parse reads them', async () => {
    const whole = await read([STREAM]);
    expect(whole).toStrictEqual(EVENTS.map((event) => reduced(event, TOP_K)));
    // The split points fall inside multi-byte characters and candidates too.
    expect(STREAM.includes(Buffer.from('😀'))).toBe(true);
    for (let split = 0; split <= STREAM.length; split++) {
      expect(await read([STREAM.subarray(0, split), STREAM.subarray(split)]), `split at ${split}`).toStrictEqual(whole);
    }
  });

  it('gives the same events for seeded random splits into many chunks, one byte each among them', async () => {
    const whole = await read([STREAM]);
    let seed = 0x9e3779b9;
    const random = () => {
      seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) >>> 0;
      seed = (seed ^ (seed >>> 12)) >>> 0;
      return seed / 2 ** 32;
    };
    for (let round = 0; round < 200; round++) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < STREAM.length;) {
        const size = round % 10 === 0 ? 1 : 1 + Math.floor(random() * 64);
        // Copies, as chunks from the network are separate memory.
        chunks.push(Uint8Array.from(STREAM.subarray(at, at + size)));
        at += size;
      }
      expect(await read(chunks), `round ${round}`).toStrictEqual(whole);
    }
  });
});
