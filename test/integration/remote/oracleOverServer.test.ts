/**
 * The remote backend against a real llama-server (built from the llama.cpp source node-llama-cpp
 * ships, 4 slots) running the oracle model: every strategy gives the exact results of
 * main/fixtures/oracleSpec.ts, token for token the local backend's, and a sweep reads each
 * sample's phase 1 in one request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptSettings } from '../../../common/settings/prompt';
import { undiciTransport, type HttpTransport } from '../../../main/engine/remote/httpTransport';
import {
  expectAccuracy,
  expectOutcome,
  expectThinkingHistogram,
  lastBoxed,
  oracleProblems,
  oraclePrompt,
  type OracleStrategy,
} from '../../../main/fixtures/oracleSpec';
import { comparable, generationRequest, runBatch, type LocalEngine } from '../engine/localEngine';
import type { LlamaServer } from './llamaServer';
import { oracleOnServerAndLocally, runRemoteBatch, type OracleOnBoth, type RemoteEngine } from './remoteEngine';
import { expectMatches, histogram, items, MODES, promptFor, WINDOWS } from '../engine/oracleCases';

let server: LlamaServer;
let remote: RemoteEngine;
let local: LocalEngine;
/** Completion requests the remote backend sent: prompt length and max_tokens of each. */
const completions: Array<{ promptLength: number; maxTokens: number }> = [];

let both: OracleOnBoth;

beforeAll(async () => {
  // Counts the completions the server answered (a kept-alive socket the server had just closed
  // fails before that, and is repeated at once).
  const counting: HttpTransport = async (url, ask) => {
    const answer = await undiciTransport(url, ask);
    if (url.endsWith('/completions')) {
      const body = JSON.parse(String(ask.body)) as { prompt: number[]; max_tokens: number };
      completions.push({ promptLength: body.prompt.length, maxTokens: body.max_tokens });
    }
    return answer;
  };
  both = await oracleOnServerAndLocally({ parallel: 4, connect: { transport: counting } });
  ({ server, remote, local } = both);
}, 900_000);

afterAll(async () => {
  await both?.dispose();
});

/** Runs the same request on the server and on the local backend; every result must be identical. */
async function remoteAndLocal(input: Record<string, unknown>) {
  const request = generationRequest(input);
  const [onServer, onLocal] = await Promise.all([runRemoteBatch(remote.backend, request), runBatch(local.backend, request)]);
  for (const item of request.items) {
    expect(onServer.get(item.key)!.map(comparable)).toEqual(onLocal.get(item.key)!.map(comparable));
  }
  return onServer;
}

describe('connecting to llama-server', () => {
  it('reports the server, its version and model, and takes its limits', () => {
    expect(remote.loaded.remote).toMatchObject({
      url: server.baseUrl,
      server: 'llama-server',
      maxInFlight: 4,
      tokenizer: 'server',
    });
    expect(remote.loaded.remote!.version).toMatch(/^b\d+-[0-9a-f]+$/);
    expect(remote.loaded.remote!.model).toMatch(/oracle-.*\.gguf$/);
    expect(remote.loaded.contextSize).toBe(512);
    expect(remote.loaded.info.thinkDelimiters).toEqual({ open: '<think>', close: '</think>' });
    expect(remote.backend.capabilities.exactSeededBranching).toBe(false);
  });

  it('renders prompts token for token as the local backend does (chat template and raw)', async () => {
    for (const mode of MODES) {
      const problem = oracleProblems[3]!;
      const template: PromptSettings = {
        template: '{{problem}}',
        chatTemplate: 'model',
        systemPrompt: null,
        thinkPrefix: promptFor(mode).thinkPrefix,
        stopStrings: [],
      };
      const raw: PromptSettings = { ...template, chatTemplate: 'raw', thinkPrefix: '' };
      const fromServer = await remote.backend.renderPrompt(template, problem.problem);
      expect(fromServer.text).toBe(oraclePrompt(problem, mode));
      expect(fromServer.tokens).toEqual((await local.backend.renderPrompt(template, problem.problem)).tokens);
      expect((await remote.backend.renderPrompt(raw, oraclePrompt(problem, mode))).tokens).toEqual(fromServer.tokens);
    }
    expect(await remote.backend.tokenize('\n\nI overthought it, the final answer should be:\n\n')).toEqual(
      await local.backend.tokenize('\n\nI overthought it, the final answer should be:\n\n'),
    );
  });
});

describe('the strategies over the server, on the oracle model', () => {
  for (const mode of MODES) {
    it(`shifted window: exact accuracy and thinking-token histogram at each window, as local (${mode} mode)`, async () => {
      const strategies = WINDOWS.map((window) => ({ strategy: 'shifted-window', window }));
      const samples = await remoteAndLocal({ prompt: promptFor(mode), strategies, items });
      WINDOWS.forEach((window, w) => {
        const strategy: OracleStrategy = { strategy: 'shifted-window', window };
        const results = oracleProblems.map((p) => samples.get(p.id)![w]!);
        oracleProblems.forEach((p, i) => expectMatches(results[i]!, expectOutcome(p, mode, strategy)));
        const accuracy = results.filter((r, i) => lastBoxed(r.text) === oracleProblems[i]!.answer).length / results.length;
        expect(accuracy).toBe(expectAccuracy(mode, strategy));
        expect(histogram(results.map((r) => r.phase1Tokens))).toEqual(expectThinkingHistogram(mode, strategy));
      });
    });

    it(`hard cut and unbounded: their known results, as local (${mode} mode)`, async () => {
      const windows = [0, 16, 32, 64];
      const expected: OracleStrategy[] = [
        ...windows.map((window) => ({ strategy: 'hard-cut' as const, window })),
        { strategy: 'unbounded' },
        { strategy: 'unbounded', maxTokens: 20 },
      ];
      const samples = await remoteAndLocal({ prompt: promptFor(mode), strategies: expected, items });
      for (const p of oracleProblems) {
        expected.forEach((strategy, s) => expectMatches(samples.get(p.id)![s]!, expectOutcome(p, mode, strategy)));
      }
    });
  }

  it('budget forcing: "Wait" below the minimum, the forced end at the maximum, as local', async () => {
    const cases = [
      { maxThinkingTokens: 16 },
      { maxThinkingTokens: 200, minThinkingTokens: 40, maxWaits: 3 },
      { maxThinkingTokens: 30, minThinkingTokens: 20, maxWaits: 2 },
      { maxThinkingTokens: 0 },
    ];
    const strategies = cases.map((c) => ({ strategy: 'budget-forcing', ...c }));
    const samples = await remoteAndLocal({ prompt: promptFor('think'), strategies, items });
    let waits = 0;
    for (const p of oracleProblems) {
      cases.forEach((c, i) => {
        const result = samples.get(p.id)![i]!;
        expectMatches(result, expectOutcome(p, 'think', { strategy: 'budget-forcing', ...c }));
        waits += result.extensions;
      });
    }
    expect(waits).toBeGreaterThan(15);
  });

  it('a prompt stop string ends generation on the server as locally (the stream is closed at the match)', async () => {
    const strategies = [{ strategy: 'unbounded' }, { strategy: 'shifted-window', window: 8 }];
    const prompt = { ...promptFor('plain'), stopStrings: [' s5', 'answer is'] };
    const samples = await remoteAndLocal({ prompt, strategies, items });
    expect(samples.get('q01')![0]).toMatchObject({ stopReason: 'stop-string', text: ' s1 s2 s3 s4 s5' });
  });
});

describe('a window sweep over the API', () => {
  it('reads each sample\'s phase 1 in one request, and equals independent runs at every window (greedy)', async () => {
    const windows = [0, 8, 16, 24, 32, 48, 64, 96, 128];
    const base = { prompt: promptFor('think'), items };
    const strategies = windows.map((window) => ({ strategy: 'shifted-window', window, answerBudget: 16 }));
    completions.length = 0;
    const swept = await runRemoteBatch(remote.backend, generationRequest({ ...base, strategies }));
    const phase1Requests = completions.filter((c) => c.maxTokens === 129);
    expect(phase1Requests).toHaveLength(items.length);
    // Everything else is an answer branch (answerBudget 16), one per window that cuts.
    const cuts = items.reduce((sum, item) => sum + swept.get(item.key)!.filter((r) => r.cut).length, 0);
    expect(completions.length - phase1Requests.length).toBe(cuts);

    for (const [w, strategy] of strategies.entries()) {
      const independent = await runRemoteBatch(remote.backend, generationRequest({ ...base, strategies: [strategy] }));
      for (const item of items) expect(comparable(swept.get(item.key)![w]!)).toEqual(comparable(independent.get(item.key)![0]!));
    }
  });
});
