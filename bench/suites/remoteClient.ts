/**
 * The remote client against a server that never waits (issue 17: "a remote client that never
 * limits the server"). A fake OpenAI-compatible server (bench/fakeOpenAiServer.ts, a process of
 * its own, no model) streams tokens in llama-server's format as fast as the sockets take them;
 * the workbench's real path ingests them: RemoteModels connects as for a model cell, a
 * GenerationBatch runs the `unbounded` strategy over RemoteBackend/RemoteSequence (SSE parsing,
 * JSON, token accounting in Continuation and SampleRun, the sample's text from the streamed
 * bytes), and every finished sample is stored as a run stores it (storedSample, RunFiles.append:
 * samples.jsonl and trajectories.jsonl with group-committed fsyncs). Grading is not part of it
 * (a fixed grade is stored; the grading suite measures graders).
 *
 * Per level of requests in flight (1, 32, 256): tokens/s from the first request to the last
 * sample durable on disk, and the client process's CPU per token (process.cpuUsage: user +
 * system of every thread of this process; the server's CPU is its own process's). Afterwards the
 * run is reopened from disk and every sample checked: present once, every token the one the
 * server sent at that position. With `signals` the same at 256 in flight with K = 20 candidates
 * per token (about 8 times the bytes per token) and per-token signals computed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiMethods } from '../../common/api/contract';
import type { SampleResult } from '../../common/api/contract/generation';
import { modelSettings } from '../../common/settings/model';
import type { GradeResult } from '../../main/grading';
import { GenerationBatch, type GenerationRequest } from '../../main/engine/generation/GenerationBatch';
import { RemoteModels } from '../../main/engine/remote/RemoteModels';
import type { PlannedItem } from '../../main/runner/runPlan';
import { storedSample } from '../../main/runner/sampleRecord';
import { RunFiles } from '../../main/store/RunFiles';
import { fakeToken, startFakeOpenAiServer, type FakeOpenAiServer } from '../fakeOpenAiServer';

const LEVELS = [1, 32, 256];
/**
 * A short thinking (Z1's windows go to 4096 and beyond): long enough that what a request costs
 * once (prompt rendering, the HTTP request, the sample's record) does not hide what a token costs.
 */
const TOKENS_PER_SAMPLE = 1024;
/** Samples of one problem share its rendered prompt, as every test-time-scaling run has several. */
const SAMPLES_PER_PROBLEM = 4;
/** Samples per level: every request slot filled twice over. */
const samplesAt = (inFlight: number) => Math.max(16, inFlight * 2);
const SIGNALS_TOP_K = 20;
const TARGET_TOKENS_PER_SECOND = 100_000;
const RAW_PROMPT = {
  template: '{{problem}}',
  chatTemplate: 'raw',
  systemPrompt: null,
  thinkPrefix: '',
  stopStrings: [],
};
/** Not graded here: what the store keeps for a sample whose grade is not part of the measurement. */
const UNGRADED: GradeResult = {
  outcome: 'unparsed',
  correct: false,
  extracted: null,
  method: null,
  span: null,
  reason: 'not graded (remote client benchmark)',
  answerKey: null,
};

interface Level {
  inFlight: number;
  samples: number;
  tokens: number;
  seconds: number;
  tokensPerSecond: number;
  clientCpuMicrosPerToken: number;
  serverCpuMicrosPerToken: number;
  /** Client CPU over wall time: 1 = one core busy all the time. */
  clientCores: number;
  /**
   * Tokens per second of client CPU: what one core busy with the client alone ingests. On a
   * shared machine the client gets a fraction of a core, and tokensPerSecond shows that fraction.
   */
  tokensPerCoreSecond: number;
  samplesLost: number;
  samplesDuplicated: number;
  tokensWrong: number;
}

export async function runRemoteClientBench(): Promise<Record<string, unknown>> {
  const server = await startFakeOpenAiServer();
  const dir = await mkdtemp(path.join(tmpdir(), 'z1wb-remote-client-'));
  const models = new RemoteModels();
  try {
    // Warm-up (JIT, sockets): a short level, not reported.
    await measureLevel({ server, models, dir: path.join(dir, 'warm-up'), inFlight: 32, samples: 64, signals: false });
    const levels: Record<string, Level> = {};
    for (const inFlight of LEVELS) {
      const level = await measureLevel({
        server,
        models,
        dir: path.join(dir, `in-flight-${inFlight}`),
        inFlight,
        samples: samplesAt(inFlight),
        signals: false,
      });
      levels[String(inFlight)] = level;
      console.error(
        `  remote-client: ${inFlight} in flight: ${Math.round(level.tokensPerSecond)} tokens/s, ${level.clientCpuMicrosPerToken.toFixed(2)} µs CPU per token`,
      );
    }
    const top = LEVELS.at(-1)!;
    const signals = await measureLevel({
      server,
      models,
      dir: path.join(dir, 'signals'),
      inFlight: top,
      samples: samplesAt(top),
      signals: true,
    });
    const all = [...Object.values(levels), signals];
    return {
      command: 'npm run bench -- remote-client --json',
      server: 'bench/fakeOpenAiServer.ts: llama-server streaming format, one token per event, own process, 127.0.0.1',
      tokensPerSample: TOKENS_PER_SAMPLE,
      samplesPerProblem: SAMPLES_PER_PROBLEM,
      inFlight: levels,
      withSignals: { topK: SIGNALS_TOP_K, ...signals },
      target: { tokensPerSecond: TARGET_TOKENS_PER_SECOND, inFlight: top },
      /** Measured wall-clock rate at 256 in flight ≥ the target (needs a core free for the client). */
      meetsTarget: levels[String(top)]!.tokensPerSecond >= TARGET_TOKENS_PER_SECOND,
      /** The client's CPU per token at 256 in flight allows the target on one core. */
      meetsTargetPerCore: levels[String(top)]!.tokensPerCoreSecond >= TARGET_TOKENS_PER_SECOND,
      everySampleOnceAndExact: all.every(
        (l) => l.samplesLost === 0 && l.samplesDuplicated === 0 && l.tokensWrong === 0,
      ),
    };
  } finally {
    await models.dispose();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function measureLevel(options: {
  server: FakeOpenAiServer;
  models: RemoteModels;
  dir: string;
  inFlight: number;
  samples: number;
  signals: boolean;
}): Promise<Level> {
  const { server, models, dir, inFlight, samples } = options;
  const loaded = await models.load(
    modelSettings.parse({ source: `openai:${server.baseUrl}`, remote: { maxInFlight: inFlight } }),
  );
  const backend = models.backend(loaded.modelId)!;
  const request = batchRequest(`in-flight-${inFlight}`, samples, options.signals);
  const items = new Map(request.items.map((item, index) => [item.key, plannedItem(item, index)]));
  const prompts = new Map<string, readonly number[]>();
  for (const item of request.items)
    prompts.set(item.key, (await backend.renderPrompt(request.prompt, item.message)).tokens);
  const { files } = await RunFiles.open(dir);
  const stored: Promise<void>[] = [];
  let tokens = 0;

  const serverCpu = await server.cpuMicros();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await new GenerationBatch(backend.forBatch(request.strategies), request, {
    sample: (data) => {
      const result: SampleResult = data.results[0]!;
      tokens += result.totalTokens;
      stored.push(files.append([storedSample(items.get(data.key)!, result, UNGRADED)]));
    },
    token: () => {},
    progress: () => {},
  }).run();
  await Promise.all(stored);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const serverUsed = (await server.cpuMicros()) - serverCpu;
  await files.close();
  await models.unload(loaded.modelId);

  const check = await checkStored(dir, prompts);
  return {
    inFlight,
    samples,
    tokens,
    seconds,
    tokensPerSecond: tokens / seconds,
    clientCpuMicrosPerToken: (used.user + used.system) / tokens,
    serverCpuMicrosPerToken: serverUsed / tokens,
    clientCores: (used.user + used.system) / 1e6 / seconds,
    tokensPerCoreSecond: (tokens * 1e6) / (used.user + used.system),
    ...check,
  };
}

function batchRequest(batchId: string, samples: number, signals: boolean): GenerationRequest {
  const { modelId: _modelId, ...parsed } = apiMethods['engine.generate'].params.parse({
    batchId,
    modelId: 'bench',
    prompt: RAW_PROMPT,
    strategies: [{ strategy: 'unbounded', maxTokens: TOKENS_PER_SAMPLE }],
    sampling: { temperature: 0 },
    items: Array.from({ length: samples }, (_, i) => {
      const [problem, sampleIndex] = [Math.floor(i / SAMPLES_PER_PROBLEM), i % SAMPLES_PER_PROBLEM];
      return {
        key: `p${problem}#${sampleIndex}`,
        problemId: `p${problem}`,
        sampleIndex,
        message: `Problem ${problem}?`,
      };
    }),
    ...(signals ? { signals: { mode: 'record', topK: SIGNALS_TOP_K } } : {}),
  });
  return parsed;
}

function plannedItem(item: GenerationRequest['items'][number], index: number): PlannedItem {
  return {
    key: item.key,
    index,
    problemId: item.problemId,
    sampleIndex: item.sampleIndex,
    message: item.message,
    row: { id: item.problemId, problem: item.message, answer: null, choices: null, fields: {} },
    presentedChoices: null,
    shuffleSeed: null,
  };
}

/** Reopens the run from disk: every sample once, each with exactly the tokens the server sent. */
async function checkStored(
  dir: string,
  prompts: ReadonlyMap<string, readonly number[]>,
): Promise<{ samplesLost: number; samplesDuplicated: number; tokensWrong: number }> {
  const { files } = await RunFiles.open(dir);
  try {
    const keys = files.records().map((r) => r.key);
    const distinct = new Set(keys);
    const samplesLost = [...prompts.keys()].filter((key) => !distinct.has(key)).length;
    let tokensWrong = 0;
    for await (const { trajectory } of files.readTrajectories(distinct)) {
      const prompt = prompts.get(trajectory.key)!;
      const generated = trajectory.segments.flatMap((segment) => segment.tokens);
      tokensWrong += Math.abs(TOKENS_PER_SAMPLE - generated.length);
      generated.forEach((token, i) => {
        if (token !== fakeToken(prompt, prompt.length + i)) tokensWrong += 1;
      });
    }
    return { samplesLost, samplesDuplicated: keys.length - distinct.size, tokensWrong };
  } finally {
    await files.close();
  }
}
