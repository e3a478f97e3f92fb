/**
 * Token signals from the log-probabilities servers stream: llama-server's chunks as captured from
 * the llama-server build the integration tests use (oracle model, `logprobs: 3`, trimmed to the
 * fields the client reads), vLLM's legacy format as its completions code writes it. The sources
 * replay recorded chunks (the real server is in test/integration/remote/tokenSignals.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../../../main/engine/backend/GenerationBackend';
import { Continuation, type CompletionSource } from '../../../main/engine/remote/Continuation';
import { completionBody } from '../../../main/engine/remote/RemoteBackend';
import { RemoteSequence, type SequenceHost } from '../../../main/engine/remote/RemoteSequence';

const sampling = { temperature: 0, topK: 40, topP: 0.95, minP: 0 };
const draw = (signalsTopK: number | null) => ({ sampling, sampleSeed: 7, stream: 'thinking' as const, signalsTopK });
const signal = new AbortController().signal;
/** The prompt the chunks were captured after (the oracle's q01 in plain mode, as token ids). */
const PROMPT = [
  3, 124, 122, 108, 121, 273, 616, 312, 301, 111, 263, 123, 295, 112, 122, 295, 57, 295, 50, 295, 58, 70, 4, 273, 3,
  272,
];

function replay(scripts: unknown[][]): CompletionSource & { bodies: unknown[] } {
  const bodies: unknown[] = [];
  return {
    bodies,
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    completionsUrl: 'http://server/v1/completions',
    explain: (error) => (error instanceof Error ? error : new Error(String(error))),
    async *open(prompt, maxTokens, parameters) {
      bodies.push(completionBody('llama-server', 'm', prompt, maxTokens, parameters));
      for (const event of scripts[bodies.length - 1] ?? []) yield [event];
    },
  };
}

const bytes = (text: string) => [...new TextEncoder().encode(text)];
const candidate = (id: number, token: string, logprob: number) => ({ id, token, bytes: bytes(token), logprob });
/** A llama-server chunk of one token and its candidates, as captured (ids of the oracle vocabulary). */
const llamaChunk = (id: number, token: string, top: ReturnType<typeof candidate>[] | null) => ({
  choices: [
    {
      text: token,
      index: 0,
      logprobs: {
        content: [{ ...candidate(id, token, top?.[0]?.id === id ? 0 : -1), ...(top ? { top_logprobs: top } : {}) }],
      },
      finish_reason: null,
    },
  ],
  object: 'text_completion',
});
const THE_FINAL_ANSWER = '\n\nThe final answer is ';
const captured = [
  llamaChunk(314, ' s1', [
    candidate(314, ' s1', 0.0),
    candidate(294, THE_FINAL_ANSWER, -19.99999237060547),
    candidate(315, ' s2', -79.99998474121094),
  ]),
  llamaChunk(315, ' s2', [
    candidate(315, ' s2', 0.0),
    candidate(294, THE_FINAL_ANSWER, -19.99999237060547),
    candidate(314, ' s1', -79.99998474121094),
  ]),
  llamaChunk(316, ' s3', [
    candidate(316, ' s3', 0.0),
    candidate(294, THE_FINAL_ANSWER, -19.99999237060547),
    candidate(315, ' s2', -79.99998474121094),
  ]),
  {
    choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'length' }],
    usage: { completion_tokens: 3, prompt_tokens: 26, total_tokens: 29 },
  },
];

/** The signals of a token drawn with log-probability 0 over candidates at 0, −20 and −80 (renormalised). */
function expectedCapturedSignal() {
  const [a, b, c] = [0, -19.99999237060547, -79.99998474121094];
  const z = Math.log(Math.exp(a) + Math.exp(b) + Math.exp(c));
  const logprobs = [a - z, b - z, c - z];
  return {
    logprob: logprobs[0]!,
    entropy: -logprobs.reduce((sum, l) => sum + Math.exp(l) * l, 0),
    confidence: -(logprobs[0]! + logprobs[1]! + logprobs[2]!) / 3,
  };
}

describe("llama-server's top_logprobs", () => {
  it('asks for the K most likely candidates with every token, and only then', () => {
    expect(completionBody('llama-server', 'm', [1], 4, draw(20))).toMatchObject({ logprobs: 20 });
    expect(completionBody('vllm', 'm', [1], 4, draw(5))).toMatchObject({
      logprobs: 5,
      return_tokens_as_token_ids: true,
    });
    expect(completionBody('llama-server', 'm', [1], 4, draw(null))).toMatchObject({ logprobs: 1 });
  });

  it("gives each streamed token the signals of its candidates: the captured chunks' exact numbers", async () => {
    const c = new Continuation('greedy:3', PROMPT, 3, draw(3), replay([captured]));
    await c.fill(3, signal);
    expect([...c.generated].map((t) => t.token)).toEqual([314, 315, 316]);
    const expected = expectedCapturedSignal();
    expect(expected.confidence).toBeCloseTo(100 / 3, 4);
    for (const token of c.generated) {
      expect(token.signal!.logprob).toBeCloseTo(expected.logprob, 12);
      expect(token.signal!.entropy).toBeCloseTo(expected.entropy, 12);
      expect(token.signal!.confidence).toBeCloseTo(expected.confidence, 12);
    }
  });

  it('keeps the K most likely when the server sends more', async () => {
    const c = new Continuation('greedy:2', PROMPT, 3, draw(2), replay([captured]));
    await c.fill(1, signal);
    // Over 0 and −20 only: confidence is their negative mean after renormalising.
    const z = Math.log(1 + Math.exp(-19.99999237060547));
    expect(c.generated.at(0)!.signal!.confidence).toBeCloseTo((z + (19.99999237060547 + z)) / 2, 12);
    expect(c.generated.at(0)!.signal!.logprob).toBeCloseTo(-z, 15);
  });

  it('computes nothing when signals were not asked for', async () => {
    const c = new Continuation('greedy', PROMPT, 3, draw(null), replay([captured]));
    await c.fill(3, signal);
    expect([...c.generated].map((t) => t.signal)).toEqual([null, null, null]);
  });
});

describe("the legacy format's top_logprobs (vLLM, SGLang)", () => {
  const legacyChunk = (tokens: string[], text: string, top: Record<string, number>[], offsets: number[]) => ({
    choices: [
      {
        index: 0,
        text,
        finish_reason: null,
        logprobs: { tokens, text_offset: offsets, token_logprobs: [], top_logprobs: top },
      },
    ],
  });

  it('reads "token_id:N" keys; of vLLM\'s K + 1 entries (the drawn token added) keeps the K most likely', async () => {
    const script = [
      // Drawn 10 is the most likely; then drawn 12, which is third, so not among the top 2.
      legacyChunk(['token_id:10'], ' a', [{ 'token_id:10': Math.log(0.6), 'token_id:11': Math.log(0.3) }], [0]),
      legacyChunk(
        ['token_id:12'],
        ' c',
        [{ 'token_id:12': Math.log(0.1), 'token_id:10': Math.log(0.5), 'token_id:11': Math.log(0.4) }],
        [2],
      ),
      { choices: [{ text: '', finish_reason: 'length' }], usage: { prompt_tokens: 1, completion_tokens: 2 } },
    ];
    const c = new Continuation('greedy:2', [1], 2, draw(2), replay([script]));
    await c.fill(2, signal);
    const [first, second] = [...c.generated].map((t) => t.signal!);
    expect(first!.logprob).toBeCloseTo(Math.log(2 / 3), 12);
    expect(first!.entropy).toBeCloseTo(-(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3), 12);
    // Not among the K: bounded by the K-th candidate's log-probability (0.4 of 0.9).
    expect(second!.logprob).toBeCloseTo(Math.log(4 / 9), 12);
    expect(second!.confidence).toBeCloseTo(-(Math.log(5 / 9) + Math.log(4 / 9)) / 2, 12);
  });

  it('finds the drawn token by its text when a server keys candidates by text', async () => {
    const script = [
      legacyChunk(
        ['token_id:10', 'token_id:11'],
        ' ab',
        [
          { ' a': Math.log(0.25), ' x': Math.log(0.75) },
          { b: Math.log(0.5), c: Math.log(0.5) },
        ],
        [0, 2],
      ),
      { choices: [{ text: '', finish_reason: 'length' }], usage: { prompt_tokens: 1, completion_tokens: 2 } },
    ];
    const c = new Continuation('greedy:2', [1], 2, draw(2), replay([script]));
    await c.fill(2, signal);
    expect([...c.generated].map((t) => t.signal!.logprob)).toEqual([
      expect.closeTo(Math.log(0.25), 12),
      expect.closeTo(Math.log(0.5), 12),
    ]);
  });
});

describe('signals of a generate call', () => {
  function sequence(scripts: unknown[][]) {
    const source = replay(scripts);
    const reasons: number[] = [];
    const host: SequenceHost = {
      ...source,
      open: source.open.bind(source),
      contextSize: 64,
      rememberBytes: () => {},
      noSignals: (topK) => {
        reasons.push(topK);
        return null;
      },
    };
    return { sequence: new RemoteSequence(host, () => {}), source, reasons };
  }
  const request = (extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
    maxTokens: 2,
    sampling,
    seed: { sampleSeed: 7, stream: 'thinking' },
    stopStrings: [],
    signals: { topK: 3 },
    ...extra,
  });

  it('has one signal per kept token, and the look-ahead token carries its own', async () => {
    const { sequence: s } = sequence([captured]);
    await s.start(PROMPT);
    const result = await s.generate(request({ peekAfterLimit: true }));
    expect(result.tokens).toEqual([314, 315]);
    expect(result.signals).toHaveLength(2);
    expect(result.signals![1]!.confidence).toBeCloseTo(expectedCapturedSignal().confidence, 12);
    expect(result.next).toMatchObject({
      token: 316,
      signal: { confidence: expect.closeTo(expectedCapturedSignal().confidence, 12) },
    });
  });

  it('reads the signals of a read-ahead continuation in later calls, aligned with their tokens', async () => {
    const { sequence: s, source } = sequence([captured]);
    // A sweep's phase 1: one request up to the largest window (2) and its look-ahead.
    s.readAhead = 2;
    await s.start(PROMPT);
    const first = await s.generate(request({ maxTokens: 1 }));
    const second = await s.generate(request({ maxTokens: 2 }));
    expect([...first.tokens, ...second.tokens]).toEqual([314, 315, 316]);
    expect(second.signals).toHaveLength(2);
    expect(source.bodies).toEqual([expect.objectContaining({ max_tokens: 3, logprobs: 3 })]);
    expect(second.signals![1]!.confidence).toBeCloseTo(expectedCapturedSignal().confidence, 12);
  });

  it('does not serve a request for signals from tokens read without them', async () => {
    const { sequence: s, source } = sequence([captured, captured]);
    await s.start(PROMPT);
    await s.generate(request({ signals: undefined, maxTokens: 1 }));
    await s.truncate(PROMPT.length);
    const result = await s.generate(request({ maxTokens: 1 }));
    expect(source.bodies.map((b) => (b as { logprobs: number }).logprobs)).toEqual([1, 3]);
    expect(result.signals).toHaveLength(1);
  });

  it('a server that sends no candidates: no signals in the result, and the backend is told why', async () => {
    const bare = captured.map((chunk, i) => (i < 3 ? llamaChunk(314 + i, ` s${i + 1}`, null) : chunk));
    const { sequence: s, reasons } = sequence([bare]);
    await s.start(PROMPT);
    const result = await s.generate(request());
    expect(result.tokens).toEqual([314, 315]);
    expect(result).not.toHaveProperty('signals');
    expect(reasons).toEqual([3]);
  });
});
