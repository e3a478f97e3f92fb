/**
 * How a continuation reads a server's stream: token ids in each server's format, the
 * end-of-generation token, usage checked against the tokens, resuming after a dropped
 * connection. The source here replays recorded chunks (the real server is in the integration tests).
 */
import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../../common/api/messages';
import { Continuation, type CompletionSource } from '../../../main/engine/remote/Continuation';
import { completionBody, sweepReadAhead } from '../../../main/engine/remote/RemoteBackend';
import { serverKindOf } from '../../../main/engine/remote/connectRemoteModel';
import { ServerConnectionError, ServerHttpError } from '../../../main/engine/remote/ServerClient';
import { tokenSeed } from '../../../main/engine/sampling/seeds';
import { strategySettings } from '../../../common/settings/strategy';

const draw = { sampling: { temperature: 0, topK: 40, topP: 0.95, minP: 0 }, sampleSeed: 7, stream: 'thinking' as const, signalsTopK: null };

/** Replays one scripted stream per request; an Error in a script is thrown at that point. */
function replay(scripts: Array<Array<unknown>>): CompletionSource & { opened: Array<{ prompt: number[]; maxTokens: number }> } {
  const opened: Array<{ prompt: number[]; maxTokens: number }> = [];
  return {
    opened,
    retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    completionsUrl: 'http://server/v1/completions',
    explain: (error) => (error instanceof Error ? error : new Error(String(error))),
    async *open(prompt, maxTokens) {
      opened.push({ prompt: [...prompt], maxTokens });
      for (const event of scripts[opened.length - 1] ?? []) {
        if (event instanceof Error) throw event;
        yield [event];
      }
    },
  };
}

const llamaToken = (id: number, text: string, finish: string | null = null) => ({
  choices: [{ text, finish_reason: finish, logprobs: { content: [{ id, token: text, bytes: [...new TextEncoder().encode(text)] }] } }],
});
const finish = (reason: string, prompt: number, completion: number) => ({
  choices: [{ text: '', finish_reason: reason, logprobs: null }],
  usage: { prompt_tokens: prompt, completion_tokens: completion },
});

describe('reading a streamed completion', () => {
  it("takes llama-server's ids and bytes, and drops the end-of-generation token it streams", async () => {
    const source = replay([[llamaToken(10, ' a'), llamaToken(11, ' b'), llamaToken(2, ''), finish('stop', 3, 3)]]);
    const c = new Continuation('greedy', [1, 2, 3], 50, draw, source);
    await c.fill(50, new AbortController().signal);
    expect([...c.generated].map((t) => t.token)).toEqual([10, 11]);
    expect(c.end).toBe('end-of-generation');
    expect(c.endToken).toBe(2);
  });

  it("takes vLLM's token ids (return_token_ids) and its 'token_id:N' logprobs with text offsets", async () => {
    const vllm = [
      { choices: [{ text: ' a', finish_reason: null, token_ids: [10] }] },
      { choices: [{ text: ' b', finish_reason: 'length', token_ids: [11] }] },
      { choices: [], usage: { prompt_tokens: 2, completion_tokens: 2 } },
    ];
    const legacy = [
      { choices: [{ text: ' ab', finish_reason: null, logprobs: { tokens: ['token_id:10', 'token_id:11'], text_offset: [0, 2] } }] },
      { choices: [{ text: '', finish_reason: 'length' }], usage: { prompt_tokens: 2, completion_tokens: 2 } },
    ];
    const cases = [
      { script: vllm, pieces: [[10, ' a'], [11, ' b']] },
      { script: legacy, pieces: [[10, ' a'], [11, 'b']] },
    ];
    for (const { script, pieces } of cases) {
      const c = new Continuation('greedy', [1, 2], 2, draw, replay([script]));
      await c.fill(2, new AbortController().signal);
      expect([...c.generated].map((t) => [t.token, new TextDecoder().decode(t.bytes)])).toEqual(pieces);
      expect(c.end).toBe('length');
    }
  });

  it('refuses usage that disagrees with the streamed tokens, and text without token ids', async () => {
    const wrongUsage = replay([[llamaToken(10, ' a'), finish('length', 3, 5)]]);
    const c = new Continuation('greedy', [1, 2, 3], 1, draw, wrongUsage);
    const error = (await c.fill(1, new AbortController().signal).catch((e: ApiError) => e)) as ApiError;
    expect(error.code).toBe('remote-token-mismatch');
    expect(error.message).toContain('reported 5 completion tokens but streamed 1');

    const textOnly = replay([[{ choices: [{ text: ' a', finish_reason: null }] }]]);
    const d = new Continuation('greedy', [1], 1, draw, textOnly);
    expect(await d.fill(1, new AbortController().signal).catch((e: ApiError) => e.code)).toBe('remote-bad-response');
  });

  it('resumes a dropped stream from the tokens received, asking only for the rest', async () => {
    const drop = new ServerConnectionError('other side closed', 'http://server/v1/completions');
    const source = replay([
      [llamaToken(10, ' a'), llamaToken(11, ' b'), drop],
      [llamaToken(11, ' b'), llamaToken(12, ' c'), finish('length', 4, 2)],
    ]);
    const c = new Continuation('greedy', [1, 2, 3], 3, draw, source);
    await c.fill(3, new AbortController().signal);
    expect([...c.generated].map((t) => t.token)).toEqual([10, 11, 12]);
    // The token held back when the connection dropped is asked for again, not trusted.
    expect(source.opened).toEqual([
      { prompt: [1, 2, 3], maxTokens: 3 },
      { prompt: [1, 2, 3, 10], maxTokens: 2 },
    ]);
  });

  it('gives up after the retries with the last error', async () => {
    const drop = new ServerConnectionError('connect ECONNREFUSED', 'http://server/v1/completions');
    const c = new Continuation('greedy', [1], 1, draw, replay([[drop], [drop], [drop], [drop], [drop]]));
    const error = await c.fill(1, new AbortController().signal).catch((e: Error) => e);
    expect(error).toBe(drop);
  });
});

describe('what is sent', () => {
  it('the prefix as token ids, no stop strings, a seed from the sample, phase and position', () => {
    const body = completionBody('llama-server', 'm', [5, 6, 7], 33, { ...draw, sampling: { ...draw.sampling, temperature: 0.6 } });
    expect(body).toMatchObject({ model: 'm', prompt: [5, 6, 7], max_tokens: 33, temperature: 0.6, n: 1, stream: true, logprobs: 1, cache_prompt: true });
    expect(body.seed).toBe(tokenSeed(7, 'thinking', 3));
    expect(body).not.toHaveProperty('stop');
    expect(completionBody('vllm', 'm', [5], 1, draw)).toMatchObject({ return_tokens_as_token_ids: true, return_token_ids: true });
    expect(completionBody('openai-compatible', 'm', [5], 1, draw)).not.toHaveProperty('top_k');
  });

  it("a batch's read-ahead is the largest window it sweeps, capped by the budget", () => {
    const parse = (list: unknown[]) => list.map((s) => strategySettings.parse(s));
    expect(sweepReadAhead(parse([{ strategy: 'shifted-window', window: 64 }, { strategy: 'shifted-window', window: 512 }]))).toBe(512);
    expect(sweepReadAhead(parse([{ strategy: 'hard-cut', window: 64, maxTokens: 100 }, { strategy: 'hard-cut', window: 512, maxTokens: 100 }]))).toBe(100);
    expect(sweepReadAhead(parse([{ strategy: 'shifted-window', window: 64 }, { strategy: 'unbounded' }]))).toBeNull();
  });

  it('tells servers apart by who owns their models', () => {
    const list = (owner: string) => ({ data: [{ id: 'm', owned_by: owner }] });
    expect(serverKindOf(list('llamacpp'))).toBe('llama-server');
    expect(serverKindOf(list('vllm'))).toBe('vllm');
    expect(serverKindOf(list('sglang'))).toBe('sglang');
    expect(serverKindOf(list('openai'))).toBe('openai-compatible');
  });
});

describe('a server that fails at the same token every time', () => {
  it('runs out of retries instead of resuming forever', async () => {
    const fail = new ServerHttpError(500, 'The model produced output that does not match the expected Content-only format', null, 'u');
    // Every attempt streams one token (held back, then dropped with the failure) and breaks.
    const source = replay(Array.from({ length: 10 }, () => [llamaToken(10, ' a'), fail]));
    const c = new Continuation('greedy', [1], 5, draw, source);
    const error = await c.fill(5, new AbortController().signal).catch((e: Error) => e);
    expect(error).toBe(fail);
    expect(source.opened).toHaveLength(4);
  });
});
