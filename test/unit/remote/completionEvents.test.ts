import { describe, expect, it } from 'vitest';
import { CandidateList } from '../../../main/engine/remote/CandidateList';
import { parseCompletionEvent } from '../../../main/engine/remote/completionEvents';

/** A CandidateList of `[id, logprob]` pairs. */
function listOf(pairs: [number, number][]): CandidateList {
  const list = new CandidateList();
  for (const [id, logprob] of pairs) list.push(id, logprob);
  return list;
}

/** What the client must get: JSON.parse's value with each candidate array reduced to a CandidateList. */
function reduced(payload: string): unknown {
  const value = JSON.parse(payload) as {
    choices: { logprobs: { content: { top_logprobs?: { id: number; logprob: number }[] | CandidateList }[] } | null }[];
  };
  for (const choice of value.choices) {
    for (const entry of choice.logprobs?.content ?? []) {
      const top = entry.top_logprobs as { id: number; logprob: number }[] | undefined;
      if (top) entry.top_logprobs = listOf(top.map(({ id, logprob }) => [id, logprob]));
    }
  }
  return value;
}

/** An event as llama-server writes it (field order and spacing of its JSON), for candidates `[id, text, logprob]`. */
function llamaEvent(id: number, text: string, candidates: [number, string, number | string][]): string {
  const bytes = (t: string) => `[${[...Buffer.from(t)].join(',')}]`;
  const top = candidates
    .map(([cid, t, lp]) => `{"id":${cid},"token":${JSON.stringify(t)},"bytes":${bytes(t)},"logprob":${lp}}`)
    .join(',');
  return (
    `{"choices":[{"text":${JSON.stringify(text)},"index":0,"logprobs":{"content":[{"id":${id},"token":${JSON.stringify(text)},` +
    `"bytes":${bytes(text)},"logprob":0.0,"top_logprobs":[${top}]}]},"finish_reason":null}],"created":1796433734,` +
    `"model":"oracle.gguf","system_fingerprint":"b1-80fb11a","object":"text_completion","id":"chatcmpl-x"}`
  );
}

describe('reading a streamed completion event', () => {
  it("gives JSON.parse's value, candidates as a CandidateList, for llama-server's events", () => {
    const events = [
      // As captured from llama-server (oracle model, logprobs: 3).
      llamaEvent(314, ' s1', [
        [314, ' s1', '0.0'],
        [294, '\n\nThe final answer is ', -19.99999237060547],
        [315, ' s2', -79.99998474121094],
      ]),
      // Escapes and non-ASCII in token texts, float32's lowest as a log-probability, an empty list.
      llamaEvent(7, 'é"', [
        [7, 'é"', '-1e-05'],
        [8, '\\}]{', '-3.4028234663852886e+38'],
        [9, '\u0001', -2.5],
      ]),
      llamaEvent(4, '', []),
      // Texts that hold the keys around them, which JSON escapes.
      llamaEvent(5, 'x', [
        [5, '],"logprob":1}', -1],
        [6, '","bytes":[1],"logprob":2', -2],
        [7, '', -3],
      ]),
    ];
    for (const event of events) expect(parseCompletionEvent(event)).toEqual(reduced(event));
    const first = parseCompletionEvent(events[0]!) as {
      choices: [{ logprobs: { content: [{ top_logprobs: unknown }] } }];
    };
    const list = first.choices[0].logprobs.content[0].top_logprobs as CandidateList;
    expect(list).toBeInstanceOf(CandidateList);
    expect(list.ids).toEqual([314, 294, 315]);
    expect(list.logprobs).toEqual([0, -19.99999237060547, -79.99998474121094]);
  });

  it('reads every log-probability as the double JSON.parse gives, in every form JSON writes numbers', () => {
    // Short and shortest-round-trip decimals (llama-server writes the latter), 16-17 digit
    // mantissas on both sides of 2^53, exponents, zeros and negative zeros.
    const texts = ['0', '-0', '-0.0', '0.0', '-1', '-0.85', '-2.5e-7', '-1E+2', '-0.000001', '-103.27892990343185'];
    let x = 0x2545f491;
    for (let i = 0; i < 2000; i++) {
      x = Math.imul(x ^ (x >>> 13), 0x5bd1e995) >>> 0;
      const value = -(x / 2 ** 32) * 10 ** ((i % 12) - 6);
      texts.push(String(value), value.toFixed(i % 21), value.toPrecision(1 + (i % 17)));
    }
    for (let start = 0; start < texts.length; start += 20) {
      const chunk = texts.slice(start, start + 20);
      const event = llamaEvent(
        3,
        'x',
        chunk.map((text, i) => [i, 'x', text]),
      );
      const list = (
        parseCompletionEvent(event) as { choices: [{ logprobs: { content: [{ top_logprobs: CandidateList }] } }] }
      ).choices[0].logprobs.content[0].top_logprobs;
      expect(list.logprobs.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
        chunk.map((t) => (Object.is(JSON.parse(t), -0) ? '-0' : JSON.parse(t))),
      );
    }
  });

  it('parses anything else whole: other field orders, other places, events without candidates', () => {
    const otherOrder =
      '{"choices":[{"text":"a","logprobs":{"content":[{"id":1,"top_logprobs":[{"logprob":-1,"id":2,"token":"b","bytes":[98]}]}]}}]}';
    const elsewhere =
      '{"choices":[{"text":"a","logprobs":null}],"__verbose":{"top_logprobs":[{"id":2,"token":"b","bytes":[98],"logprob":-1}]}}';
    const plain =
      '{"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":3}}';
    for (const event of [otherOrder, elsewhere, plain]) expect(parseCompletionEvent(event)).toEqual(JSON.parse(event));
  });

  it('throws as JSON.parse does on candidates that are not JSON', () => {
    const event = (candidate: string) =>
      `{"choices":[{"logprobs":{"content":[{"id":1,"top_logprobs":[${candidate}]}]}}]}`;
    expect(parseCompletionEvent(event('{"id":2,"token":"b","bytes":[98],"logprob":-1}'))).toEqual(
      reduced(event('{"id":2,"token":"b","bytes":[98],"logprob":-1}')),
    );
    for (const bad of [
      '{"id":2,"token":"b","bytes":[98],"logprob":-1},',
      '{"id":2,"token":"b","bytes":[98],"logprob":01}',
      '{"id":2,"token":"b","bytes":[98],"logprob":-.5}',
      '{"id":2,"token":"b","bytes":[98],"logprob":1e}',
    ]) {
      expect(() => JSON.parse(event(bad)), bad).toThrow(SyntaxError);
      expect(() => parseCompletionEvent(event(bad)), bad).toThrow(SyntaxError);
    }
  });

  it('throws as JSON.parse does on what is not JSON', () => {
    expect(() => parseCompletionEvent('{"choices":[{"logprobs":{"content":[{"top_logprobs":[{"id":1,')).toThrow(
      SyntaxError,
    );
    expect(() => parseCompletionEvent('not json')).toThrow(SyntaxError);
  });
});
