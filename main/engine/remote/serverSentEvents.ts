/**
 * The `data:` payloads of a server-sent event stream (the format of `stream: true` completions),
 * in order; the OpenAI terminator `[DONE]` ends it. Comments and other fields are skipped.
 */
export async function* serverSentData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  let data: string[] = [];
  const lines = function* (text: string, final: boolean) {
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      yield text.slice(start, end).replace(/\r$/, '');
      start = end + 1;
    }
    buffered = text.slice(start);
    if (final && buffered.length > 0) {
      yield buffered.replace(/\r$/, '');
      buffered = '';
    }
  };
  const dispatch = function* () {
    if (data.length === 0) return;
    const payload = data.join('\n');
    data = [];
    yield payload;
  };
  const handle = function* (chunk: string, final: boolean) {
    for (const line of lines(chunk, final)) {
      if (line === '') {
        yield* dispatch();
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      // llama-server reports a failure inside a stream as an `error:` line.
      if (field === 'data') data.push(value);
      else if (field === 'error') data.push(JSON.stringify({ error: safeJson(value) ?? value }));
    }
  };
  for await (const bytes of body) {
    for (const payload of handle(buffered + decoder.decode(bytes, { stream: true }), false)) {
      if (payload === '[DONE]') return;
      yield payload;
    }
  }
  for (const payload of handle(buffered + decoder.decode(), true)) {
    if (payload === '[DONE]') return;
    yield payload;
  }
  for (const payload of dispatch()) if (payload !== '[DONE]') yield payload;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
