/**
 * The `data:` payloads of a server-sent event stream (the format of `stream: true` completions),
 * in order, a batch per chunk of the body (all the events the chunk completes): a fast server
 * sends dozens of one-token events per network read, and taking them one `await` at a time cost
 * more than parsing them. The OpenAI terminator `[DONE]` ends the stream. Comments and other
 * fields are skipped; llama-server's `error:` lines become an `{"error": …}` payload.
 */
export async function* serverSentData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const parser = new EventParser();
  for await (const bytes of body) {
    const batch = parser.push(bytes);
    if (batch.length > 0) yield batch;
    if (parser.done) return;
  }
  const last = parser.end();
  if (last.length > 0) yield last;
}

const CARRIAGE_RETURN = 13;

class EventParser {
  private readonly decoder = new TextDecoder();
  private buffered = '';
  private data: string[] = [];
  done = false;

  push(bytes: Uint8Array): string[] {
    const text = this.buffered + this.decoder.decode(bytes, { stream: true });
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      this.line(text.slice(start, text.charCodeAt(end - 1) === CARRIAGE_RETURN && end > start ? end - 1 : end), out);
      start = end + 1;
      if (this.done) return out;
    }
    this.buffered = start === 0 ? text : text.slice(start);
    return out;
  }

  /** The body ended: a last line without its newline, and an event without its blank line. */
  end(): string[] {
    const out: string[] = [];
    const rest = this.buffered + this.decoder.decode();
    this.buffered = '';
    if (rest.length > 0)
      this.line(rest.charCodeAt(rest.length - 1) === CARRIAGE_RETURN ? rest.slice(0, -1) : rest, out);
    if (!this.done) this.dispatch(out);
    return out;
  }

  private line(line: string, out: string[]): void {
    if (line.length === 0) return this.dispatch(out);
    // The common case first: "data: {…}".
    if (line.startsWith('data:')) {
      this.data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" a comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'error') this.data.push(JSON.stringify({ error: safeJson(value) ?? value }));
  }

  private dispatch(out: string[]): void {
    if (this.data.length === 0) return;
    const payload = this.data.length === 1 ? this.data[0]! : this.data.join('\n');
    this.data = [];
    if (payload === '[DONE]') this.done = true;
    else out.push(payload);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
