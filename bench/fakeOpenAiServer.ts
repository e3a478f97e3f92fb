/**
 * A fake OpenAI-compatible server for the remote client's benchmark (bench/suites/remoteClient.ts):
 * no model, it streams completions as fast as the sockets take them, in llama-server's format
 * (one token per server-sent event, ids and bytes in `logprobs.content`, `top_logprobs` with as
 * many candidates as `logprobs` asks for), so the client parses exactly what it parses from a
 * real llama-server. It runs in a process of its own (`startFakeOpenAiServer`), so that its work
 * is not counted as the client's CPU and does not share the client's core; 127.0.0.1 only.
 *
 * The tokens are known: the token at sequence position p after a prompt is `fakeToken(prompt, p)`,
 * so the benchmark checks every stored token. Tokenizer endpoints: one token per UTF-8 byte.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Generated tokens: ids FIRST_WORD … FIRST_WORD + WORDS - 1, text " w<n>". */
const FIRST_WORD = 1000;
const WORDS = 256;
/** Prompt text: one token per UTF-8 byte, id = byte + FIRST_BYTE. */
const FIRST_BYTE = 10;
const BOS = 1;
const CONTEXT = 1 << 20;
const SLOTS = 1024;
/** Events written to a socket at once before yielding to the other streams. */
const EVENTS_PER_WRITE = 64;

const wordText = (word: number) => ` w${word}`;

/** The token the server generates at sequence position `position` after `prompt` (a hash of both). */
export function fakeToken(prompt: readonly number[], position: number): number {
  let h = (prompt.length * 2654435761) ^ (prompt[prompt.length - 1] ?? 0);
  h = Math.imul(h ^ position, 2246822519) >>> 0;
  return FIRST_WORD + (((h ^ (h >>> 15)) >>> 0) % WORDS);
}

/** llama-server's streamed event of one token with `candidates` top_logprobs (precomputed per token). */
function tokenEvent(word: number, candidates: number): string {
  const text = wordText(word);
  const entry = (id: number, logprob: number) => ({
    id,
    token: wordText(id - FIRST_WORD),
    bytes: [...Buffer.from(wordText(id - FIRST_WORD))],
    logprob,
  });
  const top = Array.from({ length: candidates }, (_, i) => entry(FIRST_WORD + ((word + i) % WORDS), -0.25 * i - 0.1));
  const chunk = {
    choices: [
      {
        text,
        index: 0,
        logprobs: { content: [{ ...entry(FIRST_WORD + word, -0.1), top_logprobs: top }] },
        finish_reason: null,
      },
    ],
    created: 1796433734,
    model: 'fake-model',
    system_fingerprint: 'b0-fake',
    object: 'text_completion',
    id: 'chatcmpl-fakefakefakefakefakefakefakefake',
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function finalEvents(promptTokens: number, completionTokens: number): string {
  const chunk = {
    choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'length' }],
    created: 1796433734,
    model: 'fake-model',
    system_fingerprint: 'b0-fake',
    object: 'text_completion',
    usage: {
      completion_tokens: completionTokens,
      prompt_tokens: promptTokens,
      total_tokens: promptTokens + completionTokens,
    },
    id: 'chatcmpl-fakefakefakefakefakefakefakefake',
  };
  return `data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`;
}

function serve(): void {
  const events = new Map<number, string[]>();
  const eventsFor = (candidates: number) => {
    let list = events.get(candidates);
    if (!list) events.set(candidates, (list = Array.from({ length: WORDS }, (_, w) => tokenEvent(w, candidates))));
    return list;
  };
  let streamedTokens = 0;

  const json = (res: ServerResponse, value: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const tokenize = (text: string, addSpecial: boolean) => [
    ...(addSpecial ? [BOS] : []),
    ...[...Buffer.from(text)].map((b) => b + FIRST_BYTE),
  ];
  const detokenize = (tokens: number[]) =>
    tokens
      .map((t) =>
        t >= FIRST_WORD ? Buffer.from(wordText(t - FIRST_WORD)) : Buffer.from(t >= FIRST_BYTE ? [t - FIRST_BYTE] : []),
      )
      .reduce((text, bytes) => Buffer.concat([text, bytes]), Buffer.alloc(0))
      .toString();

  async function complete(
    body: { prompt: number[]; max_tokens: number; logprobs?: number },
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    const list = eventsFor(Math.max(1, body.logprobs ?? 1));
    let closed = false;
    res.on('close', () => (closed = true));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const prompt = body.prompt;
    for (let i = 0; i < body.max_tokens && !closed;) {
      let out = '';
      for (const end = Math.min(body.max_tokens, i + EVENTS_PER_WRITE); i < end; i++) {
        out += list[fakeToken(prompt, prompt.length + i) - FIRST_WORD]!;
        streamedTokens += 1;
      }
      if (!res.write(out)) await new Promise((resolve) => res.once('drain', resolve));
      else await new Promise((resolve) => setImmediate(resolve));
    }
    if (!closed) res.end(finalEvents(prompt.length, body.max_tokens));
    void req;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString()) : {};
      const url = req.url ?? '';
      if (url === '/v1/models')
        return json(res, { data: [{ id: 'fake-model', owned_by: 'llamacpp', meta: { n_ctx: CONTEXT } }] });
      if (url === '/props')
        return json(res, {
          total_slots: SLOTS,
          build_info: 'b0-fake',
          default_generation_settings: { n_ctx: CONTEXT },
        });
      if (url === '/tokenize') return json(res, { tokens: tokenize(String(body.content), Boolean(body.add_special)) });
      if (url === '/detokenize') return json(res, { content: detokenize(body.tokens as number[]) });
      if (url === '/apply-template') {
        const messages = body.messages as { role: string; content: string }[];
        return json(res, { prompt: messages.map((m) => `<${m.role}>${m.content}\n`).join('') + '<assistant>' });
      }
      if (url === '/v1/completions') return void complete(body, req, res);
      if (url === '/stats') return json(res, { streamedTokens, cpu: process.cpuUsage() });
      res.writeHead(404).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  // The parent holds our stdin open: when it exits, however it exits, so does the server.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
}

export interface FakeOpenAiServer {
  readonly baseUrl: string;
  /** The server process's CPU time so far (µs), to report beside the client's. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the server in a child process and waits until it listens. */
export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, Z1WB_FAKE_OPENAI_SERVER: '1' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve((JSON.parse(line!) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`the fake OpenAI server exited with code ${code} before listening`)));
  });
  const root = `http://127.0.0.1:${port}`;
  return {
    baseUrl: `${root}/v1`,
    async cpuMicros() {
      const stats = (await (await fetch(`${root}/stats`)).json()) as { cpu: { user: number; system: number } };
      return stats.cpu.user + stats.cpu.system;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

if (process.env.Z1WB_FAKE_OPENAI_SERVER === '1') serve();
