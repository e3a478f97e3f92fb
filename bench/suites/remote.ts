/**
 * Parallel sampling, local backend against llama-server, on the same llama.cpp source (the
 * llama-server of main/llama-builds, and the engine's Llama: the native build of the addon once
 * made, else the prebuilt binary — `builds` says which), the `bench` fixture model (random f16
 * weights of a small real shape: compute dominates, and it never ends a generation by itself, so
 * every sample has a known length) and the same thread count:
 *
 * - sequences: tokens/s with 1, 2, 4 and 8 samples in flight, seeded sampling, SAMPLES samples
 *   of TOKENS_PER_SAMPLE tokens each. Local: a context with that many sequences. Server: one
 *   llama-server with 8 slots, asked through its own `/completion` endpoint by a minimal client
 *   (llama-server's speed, not our remote client's), that many requests at a time. Rounds
 *   alternate who goes first; each round's prompts are new to both sides (no prompt cache), the
 *   ratio is the median of per-round ratios (a busy shared machine disturbs both sides alike).
 *   CPU time per token beside it: the engine's process, and llama-server's from /proc.
 * - seededIdentical: every seeded sample of the local backend is the same at 1, 2, 4 and 8
 *   sequences. (llama-server draws a request's tokens from one random stream, the engine from a
 *   seed per position, docs/engine.md "Seeded sampling": seeded samples of the two never match.)
 * - greedyMatchesServer: greedy samples through the product's remote client (RemoteBackend),
 *   token for token equal to the local backend's, at each number in flight.
 * - loop: the same throughput comparison on a tiny model of the same vocabulary, where the
 *   per-token loop is nearly all of the work: what the engine's loop costs against llama-server's.
 *
 * llama-server answers HTTP 500 ("does not match the expected Content-only format") when a
 * completion's text is not valid UTF-8, which the random-weight model writes after some prompts
 * (a stray byte every ~30 tokens). That check runs in the HTTP thread after the slot has
 * generated every token, so a timed request counts its TOKENS_PER_SAMPLE tokens either way; the
 * greedy comparison uses short samples of prompts whose greedy output is valid text.
 */
import { readFileSync } from 'node:fs';
import type { Llama, LlamaContext } from 'node-llama-cpp';
import { apiMethods, type EventData } from '../../common/api/contract';
import type { SampleResult } from '../../common/api/contract/generation';
import { modelSettings } from '../../common/settings/model';
import type { PromptSettings } from '../../common/settings/prompt';
import type { GenerationBackend } from '../../main/engine/backend/GenerationBackend';
import { GenerationBatch, type GenerationRequest } from '../../main/engine/generation/GenerationBatch';
import { getWorkbenchLlama } from '../../main/engine/hardware/workbenchLlama';
import { LocalBackend } from '../../main/engine/local/LocalBackend';
import type { RemoteBackend } from '../../main/engine/remote/RemoteBackend';
import { RemoteModels } from '../../main/engine/remote/RemoteModels';
import { deriveSampleSeed } from '../../main/engine/sampling/seeds';
import { benchModelParameterCount } from '../../main/fixtures/benchModel';
import { ensureFixtureFile } from '../../main/fixtures/fixtureFiles';
import { oracleProblems } from '../../main/fixtures/oracleSpec';
import { findLlamaCppTools } from '../../main/llama-builds/llamaCppTools';
import { productBuild } from './productBuild';
import { startLlamaServer } from '../../test/integration/remote/llamaServer';
import { median } from '../../common/math/average';

const SEQUENCES = [1, 2, 4, 8];
const SLOTS = Math.max(...SEQUENCES);
const SAMPLES = 8;
const TOKENS_PER_SAMPLE = 128;
/**
 * The loop comparison's model: the bench model's vocabulary (so sampling costs the same) on a
 * tiny body (64 wide, 2 blocks: ~0.6M parameters), where a decode takes ~0.1 ms and the
 * per-token loop (scheduling, sampling, hand-offs, JavaScript) is nearly all of the time.
 */
const TINY_SHAPE = { embedding: 64, blocks: 2, heads: 2, feedForward: 128 };
const LOOP_TOKENS_PER_SAMPLE = 256;
/** Short enough that enough prompts give valid text on the server (greedy comparison). */
const CHECK_TOKENS = 32;
const CONTEXT_PER_SEQUENCE = 512;
/** 1 by default: the measurement, and 2 threads on a busy 2-core machine measure the neighbours. */
const THREADS = Number(process.env.Z1WB_REMOTE_BENCH_THREADS ?? 1);
const ROUNDS = Number(process.env.Z1WB_REMOTE_BENCH_ROUNDS ?? 3);
/** `bench`, `loop` or both (the default): the loop alone takes a fifth of the time. */
const PARTS = (process.env.Z1WB_REMOTE_BENCH_PARTS ?? 'bench,loop').split(',');
const RUN_SEED = 7;
const SEEDED = { temperature: 1, topK: 40, topP: 0.95, minP: 0 };
const RAW_PROMPT: PromptSettings = {
  template: '{{problem}}',
  chatTemplate: 'raw',
  systemPrompt: null,
  thinkPrefix: '',
  stopStrings: [],
};
/** Candidate prompts for the greedy comparison: the oracle problems, then variants of them. */
const CANDIDATE_PROMPTS = ['', ' Think briefly.', ' Show your work.', ' Check the result.', ' Be careful.'].flatMap(
  (suffix) => oracleProblems.map((p) => p.problem + suffix),
);

interface Item {
  key: string;
  problemId: string;
  message: string;
}

/** One round's samples: the same on both sides. */
interface Workload {
  items: readonly Item[];
  tokensPerSample: number;
}

interface Run {
  tokensPerSecond: number;
  cpuMsPerToken: number | null;
}

export async function runRemoteBench(): Promise<Record<string, unknown>> {
  const build = await productBuild();
  const llama = await getWorkbenchLlama();
  const tools = await findLlamaCppTools();
  const bench = PARTS.includes('bench')
    ? await sideBySide(llama, await ensureFixtureFile('bench'), TOKENS_PER_SAMPLE, true)
    : null;
  const loop = PARTS.includes('loop')
    ? await sideBySide(llama, await ensureFixtureFile('bench', { bench: TINY_SHAPE }), LOOP_TOKENS_PER_SAMPLE, false)
    : null;
  return {
    model: { parameters: benchModelParameterCount() },
    builds: {
      local: llama.buildType,
      product: build,
      localRelease: llama.llamaCppRelease,
      server: { commit: tools?.commit ?? null, path: tools?.llamaServer ?? null },
    },
    threads: THREADS,
    samples: SAMPLES,
    tokensPerSample: TOKENS_PER_SAMPLE,
    sampling: SEEDED,
    rounds: ROUNDS,
    ...(bench && {
      sequences: bench.sequences,
      ratio4: bench.sequences['4']!.ratio,
      ratio8: bench.sequences['8']!.ratio,
      seededIdentical: bench.seededIdentical,
      greedyMatchesServer: bench.greedyMatchesServer,
    }),
    /** The same on a tiny model of the same vocabulary, where the per-token loop is nearly all the work. */
    ...(loop && {
      loop: {
        parameters: benchModelParameterCount(TINY_SHAPE),
        tokensPerSample: LOOP_TOKENS_PER_SAMPLE,
        sequences: loop.sequences,
        seededIdentical: loop.seededIdentical,
      },
    }),
  };
}

/** A llama-server and the local backend on one model file, compared. */
async function sideBySide(llama: Llama, modelPath: string, tokensPerSample: number, greedy: boolean) {
  const server = await startLlamaServer({
    modelPath,
    parallel: SLOTS,
    contextPerSlot: CONTEXT_PER_SEQUENCE,
    threads: THREADS,
  });
  const model = await llama.loadModel({ modelPath });
  const contexts: LlamaContext[] = [];
  const remotes = new RemoteModels();
  try {
    const locals = new Map<number, LocalBackend>();
    for (const sequences of SEQUENCES) {
      const context = await model.createContext({ contextSize: CONTEXT_PER_SEQUENCE, sequences, threads: THREADS });
      contexts.push(context);
      locals.set(sequences, new LocalBackend({ model, context }));
    }
    const greedyMatchesServer = greedy ? await compareGreedy(locals, remotes, server.baseUrl) : null;
    const throughput = await compareThroughput(locals, tokensPerSample, server.baseUrl, server.process.pid);
    return { ...throughput, greedyMatchesServer };
  } finally {
    await remotes.dispose();
    for (const context of contexts) await context.dispose();
    await model.dispose();
    await server.kill();
  }
}

/** Paired rounds at each number of sequences: tokens/s, CPU per token, batch fill. */
async function compareThroughput(
  locals: Map<number, LocalBackend>,
  tokensPerSample: number,
  baseUrl: string,
  serverPid: number | undefined,
) {
  const local = new Map<number, Run[]>();
  const remote = new Map<number, Run[]>();
  const fill = new Map<number, number[]>();
  let identical = 0;
  let compared = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // New prompts every round: neither side finds one in its cache.
    const items = Array.from({ length: SAMPLES }, (_, i) => ({
      key: `s${i}`,
      problemId: `p${i}`,
      message: `${oracleProblems[i % oracleProblems.length]!.problem} (${round})`,
    }));
    const first = new Map<string, string>();
    for (const sequences of SEQUENCES) {
      const backend = locals.get(sequences)!;
      const runLocal = async () => {
        const before = backend.decodeCounts;
        const { run, samples } = await timeLocal(backend, { items, tokensPerSample }, `seeded-${sequences}-${round}`);
        const after = backend.decodeCounts;
        push(local, sequences, run);
        push(fill, sequences, (after.tokens - before.tokens) / (after.decodes - before.decodes));
        for (const [key, results] of samples) {
          const tokens = JSON.stringify(results[0]!.segments.flatMap((segment) => segment.tokens));
          if (!first.has(key)) first.set(key, tokens);
          else {
            compared += 1;
            if (first.get(key) === tokens) identical += 1;
          }
        }
      };
      const runServer = async () =>
        push(remote, sequences, await timeServer(backend, { items, tokensPerSample }, sequences, baseUrl, serverPid));
      if (round % 2 === 0) {
        await runServer();
        await runLocal();
      } else {
        await runLocal();
        await runServer();
      }
    }
    console.error(`  remote bench: round ${round + 1}/${ROUNDS} done`);
  }
  const sequences = Object.fromEntries(
    SEQUENCES.map((n) => {
      const ours = local.get(n)!;
      const theirs = remote.get(n)!;
      const ratios = ours.map((run, i) => run.tokensPerSecond / theirs[i]!.tokensPerSecond);
      return [
        String(n),
        {
          local: median(ours.map((r) => r.tokensPerSecond)),
          server: median(theirs.map((r) => r.tokensPerSecond)),
          /** Median of the per-round ratios local ÷ server, and their range. */
          ratio: median(ratios),
          ratioRange: [Math.min(...ratios), Math.max(...ratios)],
          localCpuMsPerToken: median(ours.map((r) => r.cpuMsPerToken!)),
          serverCpuMsPerToken: theirs.every((r) => r.cpuMsPerToken !== null)
            ? median(theirs.map((r) => r.cpuMsPerToken!))
            : null,
          /** Tokens per decode over the run, prompts included: n when every decode holds every sequence. */
          localTokensPerDecode: median(fill.get(n)!),
        },
      ];
    }),
  );
  return { sequences, seededIdentical: { compared, identical } };
}

async function timeLocal(backend: LocalBackend, { items, tokensPerSample }: Workload, batchId: string) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const samples = await generate(backend, batchRequest(batchId, items, tokensPerSample, { ...SEEDED, seed: RUN_SEED }));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  let tokens = 0;
  for (const results of samples.values()) tokens += results[0]!.totalTokens;
  if (tokens !== items.length * tokensPerSample)
    throw new Error(`the local backend generated ${tokens} tokens, expected ${items.length * tokensPerSample}`);
  const run: Run = { tokensPerSecond: tokens / seconds, cpuMsPerToken: (used.user + used.system) / 1000 / tokens };
  return { run, samples };
}

/** The same prompts (the local backend's tokens) and sampling, `inFlight` requests at a time. */
async function timeServer(
  backend: LocalBackend,
  { items, tokensPerSample }: Workload,
  inFlight: number,
  baseUrl: string,
  pid: number | undefined,
): Promise<Run> {
  const prompts = await Promise.all(items.map((item) => backend.renderPrompt(RAW_PROMPT, item.message)));
  const queue = items.map((item, i) => ({ item, prompt: prompts[i]!.tokens }));
  const cpu = processCpuMs(pid);
  const started = performance.now();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      await serverCompletion(baseUrl, tokensPerSample, {
        prompt: next.prompt,
        n_predict: tokensPerSample,
        temperature: SEEDED.temperature,
        top_k: SEEDED.topK,
        top_p: SEEDED.topP,
        min_p: SEEDED.minP,
        seed: deriveSampleSeed(RUN_SEED, next.item.problemId, 0),
        cache_prompt: false,
      });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const tokens = items.length * tokensPerSample;
  const used = cpu === null ? null : processCpuMs(pid)! - cpu;
  return { tokensPerSecond: tokens / seconds, cpuMsPerToken: used === null ? null : used / tokens };
}

/** One non-streamed completion; a text that is not valid UTF-8 still generated every token (see above). */
async function serverCompletion(baseUrl: string, tokens: number, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${baseUrl.replace(/\/v1$/, '')}/completion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.ok) {
    const predicted = (JSON.parse(text) as { tokens_predicted?: number }).tokens_predicted;
    if (predicted !== tokens) throw new Error(`llama-server generated ${predicted} tokens, expected ${tokens}`);
    return;
  }
  if (response.status === 500 && text.includes('does not match the expected')) return;
  throw new Error(`llama-server answered ${response.status}: ${text.slice(0, 300)}`);
}

/** CPU time of a process (all its threads) in ms, from /proc: null where there is none. */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticksPerSecond = 100; // USER_HZ, 100 on Linux
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}

/** Greedy samples through the product's remote client equal the local backend's, at each number in flight. */
async function compareGreedy(locals: Map<number, LocalBackend>, remotes: RemoteModels, baseUrl: string) {
  const backends = new Map<number, RemoteBackend>();
  for (const n of SEQUENCES) backends.set(n, await connect(remotes, baseUrl, n));
  const messages = await validTextPrompts(backends.get(SLOTS)!, baseUrl);
  const items = messages.map((message, i) => ({ key: `s${i}`, problemId: `p${i}`, message }));
  const matching: Record<string, number> = {};
  for (const n of SEQUENCES) {
    const ours = await generate(locals.get(n)!, batchRequest(`greedy-local-${n}`, items, CHECK_TOKENS, {}));
    const request = batchRequest(`greedy-remote-${n}`, items, CHECK_TOKENS, {});
    const theirs = await generate(backends.get(n)!.forBatch(request.strategies), request);
    matching[String(n)] = sameResults(ours, theirs);
  }
  return { samples: items.length, tokensPerSample: CHECK_TOKENS, matching };
}

async function connect(remotes: RemoteModels, baseUrl: string, maxInFlight: number): Promise<RemoteBackend> {
  const loaded = await remotes.load(modelSettings.parse({ source: `openai:${baseUrl}`, remote: { maxInFlight } }));
  return remotes.backend(loaded.modelId)!;
}

function batchRequest(
  batchId: string,
  items: readonly Item[],
  maxTokens: number,
  sampling: Record<string, number>,
): GenerationRequest {
  const { modelId: _modelId, ...parsed } = apiMethods['engine.generate'].params.parse({
    batchId,
    modelId: 'bench',
    prompt: RAW_PROMPT,
    strategies: [{ strategy: 'unbounded', maxTokens }],
    sampling,
    items: items.map((item) => ({ ...item, sampleIndex: 0 })),
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
      body: JSON.stringify({ prompt: tokens, max_tokens: CHECK_TOKENS + 1, temperature: 0 }),
    });
    await response.text();
    if (response.ok) valid.push(message);
    if (valid.length === SAMPLES) return valid;
  }
  throw new Error(`only ${valid.length} of ${CANDIDATE_PROMPTS.length} prompts give valid text`);
}

async function generate(backend: GenerationBackend, request: GenerationRequest): Promise<Map<string, SampleResult[]>> {
  const samples = new Map<string, SampleResult[]>();
  await new GenerationBatch(backend, request, {
    sample: (data: EventData<'engine.sample'>) => samples.set(data.key, data.results),
    token: () => {},
    progress: () => {},
  }).run();
  return samples;
}

/** How many samples are identical (everything but timings) in both runs. */
function sameResults(a: Map<string, SampleResult[]>, b: Map<string, SampleResult[]>): number {
  const strip = (results: SampleResult[]) => JSON.stringify(results.map(({ timings: _timings, ...rest }) => rest));
  return [...a].filter(([key, results]) => b.has(key) && strip(results) === strip(b.get(key)!)).length;
}

function push<T>(map: Map<number, T[]>, key: number, value: T): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}
