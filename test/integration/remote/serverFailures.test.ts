/**
 * What goes wrong with a server, on a real llama-server: a wrong URL, a refused key, a model it
 * does not serve (each a clear error naming the server, never the key); 429, 5xx and dropped
 * connections (retried, nothing lost or duplicated); the server killed mid-run and restarted
 * (the batch goes on); a cancelled batch.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleResult } from '../../../common/api/contract/generation';
import { ApiError } from '../../../common/api/messages';
import { modelSettings } from '../../../common/settings/model';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { expectOutcome, oracleProblems, type OracleStrategy } from '../../../main/fixtures/oracleSpec';
import { GenerationBatch } from '../../../main/engine/generation/GenerationBatch';
import { undiciTransport, type HttpTransport } from '../../../main/engine/remote/httpTransport';
import { RemoteModels } from '../../../main/engine/remote/RemoteModels';
import { generationRequest } from '../engine/localEngine';
import { startFaultProxy } from './faultProxy';
import { ensureTestLlamaServer, freePort, startLlamaServer, type LlamaServer } from './llamaServer';
import { connectRemoteEngine, runRemoteBatch } from './remoteEngine';

const API_KEY = 'z1wb-test-key-0b5e';
let modelPath: string;
let open: LlamaServer;
let locked: LlamaServer;
let tmp: string;

beforeAll(async () => {
  await ensureTestLlamaServer();
  modelPath = await ensureFixtureFile('oracle');
  [open, locked] = await Promise.all([
    startLlamaServer({ modelPath, parallel: 4 }),
    startLlamaServer({ modelPath, parallel: 1, apiKey: API_KEY, alias: 'oracle' }),
  ]);
  tmp = await mkdtemp(path.join(tmpdir(), 'z1wb-remote-'));
}, 900_000);

afterAll(async () => {
  await open?.kill();
  await locked?.kill();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The error connecting fails with (the test fails if it connects). */
async function connectError(source: string, remote: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}, keysFile?: string) {
  const models = new RemoteModels({ env, ...(keysFile ? { keysFile } : {}) });
  try {
    await models.load(modelSettings.parse({ source, remote }));
  } catch (error) {
    return error as ApiError;
  } finally {
    await models.dispose();
  }
  throw new Error(`connecting to ${source} succeeded`);
}

const items = oracleProblems.map((p) => ({ key: p.id, problemId: p.id, sampleIndex: 0, message: p.problem }));
const plain = { template: '{{problem}}', thinkPrefix: '' };

function expectOracle(samples: Map<string, SampleResult[]>, strategies: OracleStrategy[]): void {
  expect([...samples.keys()].sort()).toEqual(items.map((i) => i.key).sort());
  for (const p of oracleProblems) {
    strategies.forEach((strategy, s) => {
      const result = samples.get(p.id)![s]!;
      const expected = expectOutcome(p, 'plain', strategy);
      expect(result.text).toBe(expected.text);
      expect(result.phase1Tokens).toBe(expected.thinkingTokens);
      expect(result.cut).toBe(expected.cut);
    });
  }
}

describe('clear errors when connecting', () => {
  it('a wrong URL: nothing listens there', async () => {
    const port = await freePort();
    const started = performance.now();
    const error = await connectError(`openai:http://127.0.0.1:${port}/v1`);
    expect(error.code).toBe('remote-unreachable');
    expect(error.message).toContain(`cannot reach the server at http://127.0.0.1:${port}/v1`);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a URL where something answers, but not an OpenAI API', async () => {
    const error = await connectError(`openai:http://127.0.0.1:${open.port}/not-the-api`);
    expect(error.code).toBe('remote-bad-response');
    expect(error.message).toContain(`http://127.0.0.1:${open.port}/not-the-api/models answered 404`);
  });

  it('a server that wants a key, and none is set', async () => {
    const error = await connectError(`openai:${locked.baseUrl}`);
    expect(error.code).toBe('remote-auth-failed');
    expect(error.message).toContain('requires an API key');
    expect(error.message).toContain('Z1WB_REMOTE_API_KEY');
  });

  it('a refused key: the message says where the key came from, never the key', async () => {
    const error = await connectError(`openai:${locked.baseUrl}`, {}, { Z1WB_REMOTE_API_KEY: 'not-the-key-1234' });
    expect(error.code).toBe('remote-auth-failed');
    expect(error.message).toContain('refused the API key from the environment variable Z1WB_REMOTE_API_KEY');
    expect(error.message).not.toContain('not-the-key-1234');
  });

  it('a model the server does not have: the error names the ones it has', async () => {
    const error = await connectError(`openai:${locked.baseUrl}`, { model: 'qwen3-8b', apiKeyEnv: 'LOCKED_KEY' }, { LOCKED_KEY: API_KEY });
    expect(error.code).toBe('remote-model-not-found');
    expect(error.message).toContain('does not serve a model "qwen3-8b"');
    expect(error.message).toContain('"oracle"');
  });

  it('the right key, from a named variable or from the store\'s key file; it appears in no result', async () => {
    const keysFile = path.join(tmp, 'remote-keys.json');
    await writeFile(keysFile, JSON.stringify({ [locked.baseUrl]: API_KEY }));
    for (const options of [{ env: { LOCKED_KEY: API_KEY }, remote: { model: 'oracle', apiKeyEnv: 'LOCKED_KEY' } }, { env: {}, remote: {}, keysFile }]) {
      const engine = await connectRemoteEngine(locked.baseUrl, options.remote, { env: options.env, ...(options.keysFile ? { keysFile } : {}) });
      try {
        expect(engine.loaded.remote).toMatchObject({ url: locked.baseUrl, model: 'oracle', server: 'llama-server' });
        const samples = await runRemoteBatch(
          engine.backend,
          generationRequest({ prompt: plain, strategies: [{ strategy: 'shifted-window', window: 16 }], items: items.slice(0, 3) }),
        );
        expect(samples.size).toBe(3);
        expect(JSON.stringify([engine.loaded, ...samples.values()])).not.toContain(API_KEY);
      } finally {
        await engine.dispose();
      }
    }
  });
});

describe('transient failures during a run', () => {
  it('retries 503, 429 and connections dropped mid-stream: every sample once, every result exact', async () => {
    const faults = ['503', '429', 'drop-mid-stream', 'none'] as const;
    const proxy = await startFaultProxy(open.port, (n) => faults[n % 4]!);
    const engine = await connectRemoteEngine(proxy.baseUrl, {}, { retryDelays: { baseDelayMs: 5, maxDelayMs: 20 } });
    try {
      const strategies: OracleStrategy[] = [0, 8, 16, 32, 64].map((window) => ({ strategy: 'shifted-window', window }));
      let emitted = 0;
      const samples = await runRemoteBatch(engine.backend, generationRequest({ prompt: plain, strategies, items }), {
        onSample: () => (emitted += 1),
      });
      expect(emitted).toBe(items.length);
      expectOracle(samples, strategies);
      expect(proxy.injected['503']).toBeGreaterThan(5);
      expect(proxy.injected['429']).toBeGreaterThan(5);
      expect(proxy.injected['drop-mid-stream']).toBeGreaterThan(5);
    } finally {
      await engine.dispose();
      await proxy.close();
    }
  });

  it('the server killed mid-run and restarted: the batch goes on, nothing lost or duplicated', async () => {
    const server = await startLlamaServer({ modelPath, parallel: 4 });
    let restarted: LlamaServer | null = null;
    let refused = 0;
    const counting: HttpTransport = (url, ask) =>
      undiciTransport(url, ask).catch((error: unknown) => {
        refused += 1;
        throw error;
      });
    const engine = await connectRemoteEngine(server.baseUrl, {}, { transport: counting, retryDelays: { baseDelayMs: 100, maxDelayMs: 1000 } });
    try {
      // Several samples per problem, so requests are in flight when the server dies.
      const many = items.flatMap((item) => [0, 1, 2].map((s) => ({ ...item, key: `${item.key}#${s}`, sampleIndex: s })));
      const strategies: OracleStrategy[] = [{ strategy: 'unbounded' }, { strategy: 'shifted-window', window: 16 }];
      const keys: string[] = [];
      let restart: Promise<void> | null = null;
      const samples = await runRemoteBatch(engine.backend, generationRequest({ prompt: plain, strategies, items: many }), {
        onSample: (data) => {
          keys.push(data.key);
          if (keys.length === 4) {
            restart = (async () => {
              await server.kill();
              await new Promise((resolve) => setTimeout(resolve, 300));
              restarted = await startLlamaServer({ modelPath, parallel: 4, port: server.port });
            })();
          }
        },
      });
      await restart;
      expect(restarted).not.toBeNull();
      // Requests were sent while the server was down (and were repeated once it was back).
      expect(refused).toBeGreaterThan(0);
      expect(keys).toHaveLength(many.length);
      expect(new Set(keys).size).toBe(many.length);
      for (const item of many) {
        const problem = oracleProblems.find((p) => p.id === item.problemId)!;
        strategies.forEach((strategy, s) => expect(samples.get(item.key)![s]!.text).toBe(expectOutcome(problem, 'plain', strategy).text));
      }
    } finally {
      await engine.dispose();
      await server.kill();
      await (restarted as LlamaServer | null)?.kill();
    }
  });

  it('a cancelled batch stops at once and reports what it finished', async () => {
    const engine = await connectRemoteEngine(open.baseUrl);
    try {
      const many = Array.from({ length: 40 }, (_, i) => ({ ...items[i % items.length]!, key: `k${i}`, sampleIndex: i }));
      const request = generationRequest({ prompt: plain, strategies: [{ strategy: 'unbounded' }], items: many });
      let emitted = 0;
      const batch: GenerationBatch = new GenerationBatch(engine.backend.forBatch(request.strategies), request, {
        sample: () => {
          emitted += 1;
          if (emitted === 2) batch.cancel();
        },
        token: () => {},
        progress: () => {},
      });
      const outcome = await batch.run();
      expect(outcome.cancelled).toBe(true);
      expect(outcome.completed).toBeLessThan(many.length);
    } finally {
      await engine.dispose();
    }
  });
});
