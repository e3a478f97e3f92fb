import { describe, expect, it } from 'vitest';
import { parseCompletionEvent } from '../../../main/engine/remote/completionEvents';

/** What the client must get: JSON.parse's value with each candidate reduced to its id and log-probability. */
function reduced(payload: string): unknown {
  const value = JSON.parse(payload) as {
    choices: { logprobs: { content: { top_logprobs?: { id: number; logprob: number }[] }[] } | null }[];
  };
  for (const choice of value.choices) {
    for (const entry of choice.logprobs?.content ?? []) {
      if (entry.top_logprobs) entry.top_logprobs = entry.top_logprobs.map(({ id, logprob }) => ({ id, logprob }));
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
  it("gives JSON.parse's value, candidates as {id, logprob}, for llama-server's events", () => {
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
    ];
    for (const event of events) expect(parseCompletionEvent(event)).toEqual(reduced(event));
    const first = parseCompletionEvent(events[0]!) as {
      choices: [{ logprobs: { content: [{ top_logprobs: unknown }] } }];
    };
    expect(first.choices[0].logprobs.content[0].top_logprobs).toEqual([
      { id: 314, logprob: 0 },
      { id: 294, logprob: -19.99999237060547 },
      { id: 315, logprob: -79.99998474121094 },
    ]);
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

  it('throws as JSON.parse does on what is not JSON', () => {
    expect(() => parseCompletionEvent('{"choices":[{"logprobs":{"content":[{"top_logprobs":[{"id":1,')).toThrow(
      SyntaxError,
    );
    expect(() => parseCompletionEvent('not json')).toThrow(SyntaxError);
  });
});
