import { describe, expect, it } from 'vitest';
import { CandidateSignal } from '../../../main/engine/remote/CandidateSignal';
import { completionEventReader } from '../../../main/engine/remote/completionEvents';
import { numberRead, readJsonNumber, skipUnsignedList } from '../../../main/engine/remote/jsonBytes';
import { llamaEvent, readEvent, reduced } from './llamaEvents';

/** Texts a model may write that look like the JSON around them, or that JSON must escape. */
const TRICKY_TEXTS = [
  '],"logprob":1}',
  '","bytes":[1],"logprob":2',
  '"top_logprobs":[{"id":1,"token":"x","bytes":[],"logprob":-1}]',
  '\\"},{"id":9,"token":"',
  '\\',
  '\\u0041',
  '\n\t\r\b\f\u0001\u001f',
  '/</script>',
  'é€😀 ',
  '\ud800',
  '',
];

describe('reading a streamed completion event', () => {
  it("gives JSON.parse's value, candidates as their signal, for llama-server's events", () => {
    const events = [
      // As captured from llama-server (oracle model, logprobs: 3).
      llamaEvent(314, ' s1', [
        [314, ' s1', '0.0'],
        [294, '\n\nThe final answer is ', -19.99999237060547],
        [315, ' s2', -79.99998474121094],
      ]),
      // Escapes and non-ASCII in token texts, float32's lowest as a log-probability.
      llamaEvent(7, 'é"', [
        [7, 'é"', '-1e-05'],
        [8, '\\}]{', '-3.4028234663852886e+38'],
        [9, '\u0001', -2.5],
      ]),
      llamaEvent(4, '', []),
      // Texts that hold the keys around them, which JSON escapes.
      llamaEvent(
        5,
        'x',
        TRICKY_TEXTS.map((text, i) => [i, text, -i - 0.5]),
      ),
      llamaEvent(6, '],"logprob":', [[6, '"top_logprobs":[', -0.25]]),
    ];
    for (const topK of [3, 11, null]) {
      for (const event of events) expect(readEvent(event, topK)).toStrictEqual(reduced(event, topK));
    }
    const first = readEvent(events[0]!, 3) as { choices: [{ logprobs: { content: [{ top_logprobs: unknown }] } }] };
    // ln(1 + e^-20 + e^-80) and the rest over the three, as tokenSignalOf computes them.
    expect(first.choices[0].logprobs.content[0].top_logprobs).toStrictEqual(
      new CandidateSignal(3, {
        logprob: -2.0611694552104897e-9,
        entropy: 4.3284540601822354e-8,
        confidence: 33.333325705999975,
      }),
    );
  });

  it('reads every log-probability as the double JSON.parse gives, in every form JSON writes numbers', () => {
    // Short and shortest-round-trip decimals (llama-server writes the latter), 16-17 digit
    // mantissas on both sides of 2^53, exponents, zeros and negative zeros.
    const texts = ['0', '-0', '-0.0', '0.0', '-1', '-0.85', '-2.5e-7', '-1E+2', '-0.000001', '-103.27892990343185'];
    let x = 0x2545f491;
    for (let i = 0; i < 3000; i++) {
      x = Math.imul(x ^ (x >>> 13), 0x5bd1e995) >>> 0;
      const value = -(x / 2 ** 32) * 10 ** ((i % 12) - 6);
      texts.push(String(value), value.toFixed(i % 21), value.toPrecision(1 + (i % 17)));
    }
    for (const text of texts) {
      const bytes = Buffer.from(`${text}}`);
      expect(readJsonNumber(bytes, 0), text).toBe(text.length);
      expect(Object.is(numberRead[0], JSON.parse(text)), text).toBe(true);
    }
    for (const bad of ['01', '-.5', '1e', '-', '.5', '1.e3', '+1'])
      expect(readJsonNumber(Buffer.from(`${bad}}`), 0), bad).not.toBe(bad.length);
  });

  it('steps over a candidate\'s bytes exactly where JSON.parse reads an array of unsigned integers', () => {
    // The index of the closing bracket (the list starts after its opening one), or -1.
    const lists: [string, number][] = [
      [']', 0],
      ['0]', 1],
      ['98]', 2],
      ['0,0,255]', 7],
      ['226,128,168]', 11],
      ['12345678901234567890]', 20],
      ['01]', -1],
      ['00]', -1],
      [',1]', -1],
      ['1,]', -1],
      ['1 ]', -1],
      ['-1]', -1],
      ['1.0]', -1],
      ['1e2]', -1],
      ['1', -1],
      ['', -1],
    ];
    for (const [list, end] of lists) expect(skipUnsignedList(Buffer.from(list), 0), list).toBe(end);
    expect(skipUnsignedList(Buffer.from('[7,8],"logprob"'), 1)).toBe(4);
  });

  it('parses anything else whole, as JSON.parse does: other field orders, spacing, keys, places, formats', () => {
    const candidate = '{"id":2,"token":"b","bytes":[98],"logprob":-1}';
    const entry = (top: string) =>
      `{"choices":[{"text":"a","logprobs":{"content":[{"id":1,"top_logprobs":[${top}]}]}}]}`;
    const events = [
      entry('{"logprob":-1,"id":2,"token":"b","bytes":[98]}'),
      entry('{"id":2,"token":"b","id":3,"bytes":[98],"logprob":-1}'),
      entry('{"id":2,"token":"b","bytes":[98],"logprob":-1,"logprob":-2}'),
      entry('{"id":2,"token":"b","bytes":[98],"extra":[1],"logprob":-1}'),
      entry('{"id":2, "token":"b","bytes":[98],"logprob":-1}'),
      entry('{"id":2,"token":"b","bytes":[98 ],"logprob":-1}'),
      entry('{"id":2,"token":"b","bytes":[-1],"logprob":-1}'),
      entry('{"id":2.0,"token":"b","bytes":[98],"logprob":-1}'),
      entry('{"id":12345678901234567890,"token":"b","bytes":[98],"logprob":-1}'),
      entry(`${candidate} `),
      // The key twice in one entry: JSON.parse keeps the last array.
      `{"choices":[{"logprobs":{"content":[{"id":1,"top_logprobs":[${candidate}],"top_logprobs":[{"id":3,"token":"c","bytes":[99],"logprob":-2}]}]}}]}`,
      // Candidates outside logprobs.content, beside or instead of those inside.
      `{"choices":[{"text":"a","logprobs":null}],"__verbose":{"top_logprobs":[${candidate}]}}`,
      `{"choices":[{"logprobs":{"content":[{"id":1,"top_logprobs":[${candidate}]}]}}],"x":{"top_logprobs":[${candidate}]}}`,
      `{"choices":[{"logprobs":{"content":[{"id":"1","top_logprobs":[${candidate}]}]}}]}`,
      // vLLM's legacy format.
      '{"choices":[{"text":" s1","logprobs":{"tokens":["token_id:314"],"top_logprobs":[{"token_id:314":-0.1,"token_id:2":-3}]}}]}',
      '{"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":3}}',
      JSON.stringify(JSON.parse(llamaEvent(5, 'x', [[5, 'x', -1]])), null, 1),
    ];
    for (const event of events) {
      expect(readEvent(event, 2), event).toStrictEqual(JSON.parse(event));
      expect(readEvent(event, null), event).toStrictEqual(JSON.parse(event));
    }
  });

  it('throws as JSON.parse does on candidates that are not JSON', () => {
    const event = (candidate: string) =>
      `{"choices":[{"logprobs":{"content":[{"id":1,"top_logprobs":[${candidate}]}]}}]}`;
    for (const bad of [
      '{"id":2,"token":"b","bytes":[98],"logprob":-1},',
      '{"id":2,"token":"b","bytes":[98],"logprob":01}',
      '{"id":2,"token":"b","bytes":[98],"logprob":-.5}',
      '{"id":2,"token":"b","bytes":[98],"logprob":1e}',
      '{"id":2,"token":"b\u0001","bytes":[98],"logprob":-1}',
      '{"id":2,"token":"b\\x","bytes":[98],"logprob":-1}',
      '{"id":2,"token":"b\\u12g4","bytes":[98],"logprob":-1}',
      '{"id":2,"token":"b","bytes":[98,],"logprob":-1}',
      '{"id":02,"token":"b","bytes":[98],"logprob":-1}',
    ]) {
      expect(() => JSON.parse(event(bad)), bad).toThrow(SyntaxError);
      expect(() => readEvent(event(bad), 2), bad).toThrow(SyntaxError);
    }
  });

  it('throws as JSON.parse does on what is not JSON, and reads nothing past the event', () => {
    expect(() => readEvent('{"choices":[{"logprobs":{"content":[{"top_logprobs":[{"id":1,', 2)).toThrow(SyntaxError);
    expect(() => readEvent('not json', 2)).toThrow(SyntaxError);
    // The event ends inside its candidates; the bytes after it would complete them.
    const whole = llamaEvent(5, 'x', [[5, 'x', -1]]);
    const cut = whole.slice(0, whole.indexOf('"logprob":-1') + 4);
    const bytes = Buffer.from(`${cut}${whole.slice(cut.length)}`);
    expect(() => completionEventReader(2)(bytes, 0, cut.length)).toThrow(SyntaxError);
  });
});
