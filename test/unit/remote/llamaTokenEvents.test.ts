import { describe, expect, it } from 'vitest';
import { LlamaTokenEvents } from '../../../main/engine/remote/llamaTokenEvents';
import { llamaEvent, readEvent, reduced, type EventFields } from './llamaEvents';

const CANDIDATES: [number, string, number][] = [
  [5, 'x', -0.5],
  [6, 'é', -1.25],
  [7, '"\\', -19.99999237060547],
];

/** Reads an event with the one-token reader alone: null when it leaves the event to the general reader. */
function readWhole(events: LlamaTokenEvents, payload: string): unknown {
  const bytes = Buffer.from(`data: ${payload}\n\n`);
  return events.read(bytes, 6, 6 + Buffer.byteLength(payload));
}

describe("llama-server's one-token events read without JSON.parse", () => {
  it("gives JSON.parse's value for every token, text and field the layout allows, on one reader", () => {
    const fields: EventFields[] = [
      {},
      { model: 'oracle.gguf', requestId: 'chatcmpl-x' },
      // Strings of the same length with other bytes, escapes, non-ASCII: decoded anew.
      { model: 'oracle.ggug', requestId: 'chatcmpl-y' },
      { model: 'o\\"acle.gguf', fingerprint: 'b1-€', requestId: 'chatcmpl-\u0001' },
      { model: 'oracle.gguf', fingerprint: 'b1-80fb11a' },
      // Empty strings, then longer ones that start with the last one's bytes.
      { model: '', requestId: '' },
      { model: 'oracle.gguf"', requestId: 'chatcmpl-x\\' },
      { model: 'oracle.gguf', requestId: 'chatcmpl-x' },
      { text: 'another text', index: 3, logprob: '-2.5e-7' },
      { text: 'x\n' },
      { logprob: '-3.4028234663852886e+38' },
    ];
    const tokens = ['x', 'x\n', '"', 'é€😀', '', '\\u0041', '],"logprob":0}]},"finish_reason":null}],"created":1,'];
    for (const topK of [3, 2, null]) {
      const events = new LlamaTokenEvents(topK);
      for (const token of tokens) {
        for (const f of fields) {
          const event = llamaEvent(9, token, CANDIDATES, f);
          const read = readWhole(events, event);
          expect(read, event).not.toBeNull();
          expect(read, event).toStrictEqual(reduced(event, topK));
        }
      }
    }
  });

  it("reads the token's bytes at their count, exactly as JSON.parse, and leaves integers past 2^53 to it", () => {
    const event = llamaEvent(9, 'x', CANDIDATES);
    const lists: [string, number[]][] = [
      ['[]', []],
      ['[0]', [0]],
      ['[0,10,255]', [0, 10, 255]],
      ['[7,0,0,300]', [7, 0, 0, 300]],
      ['[9007199254740991]', [9007199254740991]],
    ];
    for (const [list, values] of lists) {
      const other = event.replace('"bytes":[120]', `"bytes":${list}`);
      const read = readWhole(new LlamaTokenEvents(3), other) as {
        choices: { logprobs: { content: { bytes: number[] }[] } }[];
      };
      expect(read.choices[0]!.logprobs.content[0]!.bytes, list).toStrictEqual(values);
      expect(read, list).toStrictEqual(reduced(other, 3));
    }
    // JSON.parse rounds this one to 2^53 + 2 (and would refuse a leading zero): the general reader's.
    const past = event.replace('"bytes":[120]', '"bytes":[1,9007199254740993]');
    expect(readWhole(new LlamaTokenEvents(3), past)).toBeNull();
    expect(readWhole(new LlamaTokenEvents(3), event.replace('"bytes":[120]', '"bytes":[01]'))).toBeNull();
  });

  it('leaves any other layout to the general reader, which gives the same value', () => {
    const event = llamaEvent(9, 'x', CANDIDATES);
    const others = [
      event.replace('"finish_reason":null', '"finish_reason":"stop"'),
      event.replace('"index":0', '"index":0.0'),
      event.replace('"created":1796433734', '"created":-1'),
      event.replace('"id":"chatcmpl-x"}', '"id":"chatcmpl-x","timings":{}}'),
      event.replace('"object":"text_completion",', ''),
      event.replace('{"choices":[', '{"choices": ['),
      event.replace('"bytes":[120]', '"bytes":[ 120]'),
      event.replace(
        '"top_logprobs":[',
        '"top_logprobs":[]}, {"id":9,"token":"x","bytes":[120],"logprob":0.0,"top_logprobs":[',
      ),
      event.replace('"logprob":0.0,', '"logprob":0.0,"extra":1,'),
    ];
    for (const other of others) {
      expect(other).not.toBe(event);
      expect(readWhole(new LlamaTokenEvents(3), other), other).toBeNull();
      expect(readEvent(other, 3), other).toStrictEqual(reduced(other, 3));
    }
  });

  it('refuses an event cut short or followed by more, as JSON.parse does', () => {
    const event = llamaEvent(9, 'x', CANDIDATES);
    for (const bad of [
      event.slice(0, -1),
      `${event}}`,
      event.replace('"text":"x"', '"text":"x\u0001"'),
      event.replace('"text":"x"', '"text":"\\q"'),
    ]) {
      expect(readWhole(new LlamaTokenEvents(3), bad), bad).toBeNull();
      expect(() => readEvent(bad, 3), bad).toThrow(SyntaxError);
    }
  });
});
