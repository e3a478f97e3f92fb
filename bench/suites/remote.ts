/**
 * The remote backend through a real llama-server (built from the llama.cpp source node-llama-cpp
 * ships) on the `bench` fixture model (random f16 weights of a small real shape: compute
 * dominates, and it never ends a generation by itself, so every sample has a known length):
 *
 * - inFlight: samples/s and tokens/s with 1, 2 and 4 requests in flight (llama-server with
 *   4 slots batches them);
 * - local: the local backend on the same model and threads, 4 sequences of one context;
 * - matchesLocal: greedy results token for token equal to the local backend's.
 *
 * Rounds alternate between the server and the local backend and the median is reported, so a
 * busy shared machine disturbs both sides alike.
 *
 * llama-server answers HTTP 500 ("does not match the expected Content-only format") when a
 * completion's text is not valid UTF-8, which the random-weight model writes after some
 * prompts (a lone byte token). The samples use prompts whose greedy output on the server is
 * valid text (each candidate asked once first).
 */
import { getLlama } from 'node-llama-cpp';
import { apiMethods, type EventData } from '../../common/api/contract';
import type { SampleResult } from '../../common/api/contract/generation';
import { modelSettings } from '../../common/settings/model';
import type { PromptSettings } from '../../common/settings/prompt';
import type { GenerationBackend } from '../../main/engine/backend/GenerationBackend';
import { benchModelParameterCount } from '../../main/fixtures/benchModel';
import { ensureFixtureFile } from '../../main/fixtures/fixtureFiles';
import { oracleProblems } from '../../main/fixtures/oracleSpec';
import { GenerationBatch, type GenerationRequest } from '../../main/engine/generation/GenerationBatch';
import { LocalBackend } from '../../main/engine/local/LocalBackend';
import type { RemoteBackend } from '../../main/engine/remote/RemoteBackend';
import { RemoteModels } from '../../main/engine/remote/RemoteModels';
import { startLlamaServer } from '../../test/integration/remote/llamaServer';

/** Candidate prompts: the oracle problems, then variants of them. */
const CANDIDATE_PROMPTS = ['', ' Think briefly.', ' Show your work.', ' Check the result.', ' Be careful.'].flatMap((suffix) =>
  oracleProblems.map((p) => p.problem + suffix),
);
const SAMPLES = 8;
const RAW_PROMPT: PromptSettings = { template: '{{problem}}', chatTemplate: 'raw', systemPrompt: null, thinkPrefix: '', stopStrings: [] };
/** Short enough that enough prompts give valid text (the model writes a stray byte every ~30 tokens). */
const TOKENS_PER_SAMPLE = 32;
const IN_FLIGHT = [1, 2, 4];
const SLOTS = 4;
const CONTEXT_PER_SEQUENCE = 512;
const THREADS = 1;
const ROUNDS = 3;

interface Speed {
  samplesPerSecond: number;
  tokensPerSecond: number;
}

export async function runRemoteBench(): Promise<Record<string, unknown>> {
  const modelPath = await ensureFixtureFile('bench');
  const server = await startLlamaServer({ modelPath, parallel: SLOTS, contextPerSlot: CONTEXT_PER_SEQUENCE, threads: THREADS });
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: CONTEXT_PER_SEQUENCE, sequences: SLOTS, threads: THREADS });
  const local = new LocalBackend({ model, context });
  const remotes = new RemoteModels();
  try {
    const backends = new Map<number, RemoteBackend>();
    for (const inFlight of IN_FLIGHT) backends.set(inFlight, await connect(remotes, server.baseUrl, inFlight));
    const prompts = await validTextPrompts(backends.get(SLOTS)!, server.baseUrl);
    const request = (batchId: string) => batchRequest(batchId, prompts);

    const rates = new Map<string, Speed[]>();
    const results = new Map<string, Map<string, SampleResult[]>>();
    const record = (name: string, run: { speed: Speed; samples: Map<string, SampleResult[]> }) => {
      rates.set(name, [...(rates.get(name) ?? []), run.speed]);
      results.set(name, run.samples);
    };
    for (let round = 0; round < ROUNDS; round++) {
      record('local', await measure(local, request(`local-${round}`)));
      for (const inFlight of IN_FLIGHT) {
        const batch = request(`remote-${inFlight}-${round}`);
        record(`inFlight${inFlight}`, await measure(backends.get(inFlight)!.forBatch(batch.strategies), batch));
      }
      console.error(`  remote bench: round ${round + 1}/${ROUNDS} done`);
    }

    const inFlight = Object.fromEntries(IN_FLIGHT.map((n) => [String(n), medianSpeed(rates.get(`inFlight${n}`)!)]));
    const localSpeed = medianSpeed(rates.get('local')!);
    const matchesLocal = IN_FLIGHT.every((n) => sameResults(results.get(`inFlight${n}`)!, results.get('local')!) === SAMPLES);
    return {
      model: { file: modelPath, parameters: benchModelParameterCount() },
      server: { ...backends.get(SLOTS)!.info, slots: SLOTS },
      threads: THREADS,
      samples: SAMPLES,
      tokensPerSample: TOKENS_PER_SAMPLE,
      inFlight,
      local: { ...localSpeed, sequences: SLOTS },
      /** Aggregate throughput with 4 in flight over 1 in flight: what server-side batching buys. */
      inFlightSpeedup4: inFlight['4']!.tokensPerSecond / inFlight['1']!.tokensPerSecond,
      /** Server at 4 in flight ÷ local backend at 4 sequences, same model and threads. */
      remoteOverLocal: inFlight['4']!.tokensPerSecond / localSpeed.tokensPerSecond,
      matchesLocal,
      /** Samples (of SAMPLES) identical to the local backend's, per requests in flight. */
      matchingSamples: Object.fromEntries(IN_FLIGHT.map((n) => [String(n), sameResults(results.get(`inFlight${n}`)!, results.get('local')!)])),
    };
  } finally {
    await remotes.dispose();
    await context.dispose();
    await model.dispose();
    await server.kill();
  }
}

async function connect(remotes: RemoteModels, baseUrl: string, maxInFlight: number): Promise<RemoteBackend> {
  const loaded = await remotes.load(modelSettings.parse({ source: `openai:${baseUrl}`, remote: { maxInFlight } }));
  return remotes.backend(loaded.modelId)!;
}

function batchRequest(batchId: string, prompts: readonly string[], maxTokens = TOKENS_PER_SAMPLE): GenerationRequest {
  const { modelId: _modelId, ...parsed } = apiMethods['engine.generate'].params.parse({
    batchId,
    modelId: 'bench',
    prompt: RAW_PROMPT,
    strategies: [{ strategy: 'unbounded', maxTokens }],
    sampling: {},
    items: prompts.map((message, i) => ({ key: `s${i}`, problemId: `p${i}`, sampleIndex: 0, message })),
  });
  return parsed;
}

/**
 * The first SAMPLES candidate prompts after which the server's greedy output (the look-ahead
 * token included) is valid UTF-8: asked once each, directly, as the backend would send them.
 */
async function validTextPrompts(backend: RemoteBackend, baseUrl: string): Promise<string[]> {
  const valid: string[] = [];
  for (const message of CANDIDATE_PROMPTS) {
    const { tokens } = await backend.renderPrompt(RAW_PROMPT, message);
    const response = await fetch(`${baseUrl}/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: tokens, max_tokens: TOKENS_PER_SAMPLE + 1, temperature: 0 }),
    });
    await response.text();
    if (response.ok) valid.push(message);
    if (valid.length === SAMPLES) return valid;
  }
  throw new Error(`only ${valid.length} of ${CANDIDATE_PROMPTS.length} prompts give valid text`);
}

async function measure(
  backend: GenerationBackend,
  request: GenerationRequest,
): Promise<{ speed: Speed; samples: Map<string, SampleResult[]> }> {
  const samples = new Map<string, SampleResult[]>();
  let tokens = 0;
  const started = performance.now();
  await new GenerationBatch(backend, request, {
    sample: (data: EventData<'engine.sample'>) => {
      samples.set(data.key, data.results);
      tokens += data.results[0]!.totalTokens;
    },
    token: () => {},
    progress: () => {},
  }).run();
  const seconds = (performance.now() - started) / 1000;
  return { speed: { samplesPerSecond: samples.size / seconds, tokensPerSecond: tokens / seconds }, samples };
}

/** How many samples are identical (everything but timings) in both runs. */
function sameResults(a: Map<string, SampleResult[]>, b: Map<string, SampleResult[]>): number {
  const strip = (results: SampleResult[]) => JSON.stringify(results.map(({ timings: _timings, ...rest }) => rest));
  return [...a].filter(([key, results]) => b.has(key) && strip(results) === strip(b.get(key)!)).length;
}

function medianSpeed(speeds: Speed[]): Speed {
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  return {
    samplesPerSecond: median(speeds.map((s) => s.samplesPerSecond)),
    tokensPerSecond: median(speeds.map((s) => s.tokensPerSecond)),
  };
}
