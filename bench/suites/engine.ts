/**
 * Engine benchmarks (docs/architecture.md, "Targets"), measured as ratios side by side in one run on the `bench`
 * fixture model (random f16 weights of a small real shape, so compute dominates; it never ends
 * a generation by itself, so every run has a known length):
 *
 * - overhead: tokens/s of shifted-window generation ÷ tokens/s of a bare node-llama-cpp
 *   `sequence.evaluate` greedy loop, same model, context and threads (target ≥ 0.97);
 * - sweep: a branched sweep over W ∈ {64, 128, 256, 512} against one full run per window
 *   (the paper scripts' way): tokens generated, wall-time speed-up, the ideal speed-up
 *   (naive tokens ÷ branched tokens; target ≥ 0.9 × ideal) and token-for-token identity;
 * - parallel: aggregate tokens/s with 1, 2 and 4 sequences of one context;
 * - seeded: the cost of per-position seeds (a sampler per token through `controlledEvaluate`)
 *   against a bare seeded `evaluate` loop (one sampler for the whole run);
 * - signals: decode tokens/s with per-token signals on (mode "summary", K = 20) ÷ the same
 *   generation with them off (target ≥ 0.95; docs/engine.md, "Token signals");
 * - earlyExit: early exit's probes against their ideal cost (earlyExitProbes.ts).
 *
 * Everything is measured at the thread count the product picks and again at 1 thread
 * (`atOneThread`). Rounds alternate between the engine and the baseline, so a busy shared
 * machine disturbs both sides alike; the overhead and signals targets read the median of the
 * rounds' paired ratios (`medianRatio`; docs/engine.md, "Benchmarks").
 */
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { EventData } from '../../common/api/contract';
import type { StrategyResult } from '../../common/api/contract/generation';
import { apiMethods } from '../../common/api/contract';
import { strategySettings } from '../../common/settings/strategy';
import type { BackendSequence } from '../../main/engine/backend/GenerationBackend';
import { benchModelParameterCount } from '../../main/fixtures/benchModel';
import { ensureFixtureFile } from '../../main/fixtures/fixtureFiles';
import { GenerationBatch } from '../../main/engine/generation/GenerationBatch';
import { defaultThreadCount } from '../../main/engine/hardware/physicalCores';
import { chooseContextThreads } from '../../main/engine/hardware/threads/chooseContextThreads';
import { ThreadCache } from '../../main/engine/hardware/threads/threadCache';
import { FileFingerprints } from '../../main/fingerprints/fileFingerprint';
import { getWorkbenchLlama } from '../../main/engine/hardware/workbenchLlama';
import { LocalBackend } from '../../main/engine/local/LocalBackend';
import type { LocalSequence } from '../../main/engine/local/LocalSequence';
import { SampleRun } from '../../main/engine/strategies/SampleRun';
import { runShiftedWindow } from '../../main/engine/strategies/shiftedWindow';
import type { ShiftedWindowSettings } from '../../main/engine/strategies/types';
import { runStrategy } from '../../main/engine/strategies/runStrategy';
import { runBranchedSweep } from '../../main/engine/sweep/branchedSweep';
import { signalSettings, type SignalSettings } from '../../common/settings/signals';
import { measureEarlyExitProbes } from './earlyExitProbes';
import { runLlamaBenchComparison } from './llamaBench';
import { productBuild } from './productBuild';

const PROMPT = 'q01: What is 2 + 3? Put the final answer in \\boxed{}.';
/**
 * Rounds per measurement. Interference from other work only ever slows a run down, so each side
 * reports its best round (as `timeit` does), and the median of the per-round ratios beside it.
 */
const ROUNDS = 5;
/** The sweep is long and its ratio large: fewer rounds suffice. */
const SWEEP_ROUNDS = 3;
/** Overhead run: a long phase 1, then the hint and a short answer, as Z1 generates. */
const OVERHEAD_WINDOW = 496;
const OVERHEAD_ANSWER = 16;
const SWEEP_WINDOWS = [64, 128, 256, 512];
const SWEEP_ANSWER = 16;
const PARALLEL_SEQUENCES = [1, 2, 4];
const PARALLEL_TOKENS = 64;
const SEEDED_TOKENS = 128;
/** Short runs, many rounds: the cost is a few per cent at most, so each side needs a clean best round. */
const SIGNAL_TOKENS = 128;
const SIGNAL_ROUNDS = 10;
const CONTEXT_SIZE = 1024;

/**
 * Measurements other parts of the engine contribute to this suite, each under its own key.
 * The models helper adds `llamaBench` here (decode and prompt tokens/s against llama-bench
 * built from the same llama.cpp source, at the same threads):
 *   ['llamaBench', (bench) => measureLlamaBenchRatios(bench)],
 */
type Contribution = (bench: { modelPath: string; threads: readonly number[] }) => Promise<unknown>;
const CONTRIBUTIONS: ReadonlyArray<readonly [string, Contribution]> = [['llamaBench', runLlamaBenchComparison]];

export async function runEngineBench(): Promise<Record<string, unknown>> {
  const modelPath = await ensureFixtureFile('bench');
  // The build a model load uses here, after the automatic native build when the product makes one.
  const build = await productBuild();
  const llama = await getWorkbenchLlama({ backend: 'cpu' });
  const model = await llama.loadModel({ modelPath });
  const { threads: productThreads, source: threadSource } = await productThreadChoice(llama, model, modelPath);
  // Z1WB_ENGINE_BENCH_THREADS=1 skips the product's thread count (e.g. on an oversubscribed machine).
  const only = process.env.Z1WB_ENGINE_BENCH_THREADS?.split(',').map(Number);
  // Z1WB_ENGINE_BENCH_PARTS=signals measures only the parts named (and no contributions).
  const parts = process.env.Z1WB_ENGINE_BENCH_PARTS?.split(',');
  try {
    const wanted = (threads: number) => !only || only.includes(threads);
    const skipped = (threads: number) => ({ threads, skipped: 'not measured (Z1WB_ENGINE_BENCH_THREADS)' });
    const atOneThread = wanted(1) ? await measureAt(model, 1, parts) : skipped(1);
    const atProductThreads =
      productThreads === 1
        ? atOneThread
        : wanted(productThreads)
          ? await measureAt(model, productThreads, parts)
          : skipped(productThreads);
    const contributed: Record<string, unknown> = {};
    for (const [key, measure] of parts ? [] : CONTRIBUTIONS) {
      contributed[key] = await measure({ modelPath, threads: [...new Set([productThreads, 1])] });
    }
    return {
      model: { file: modelPath, parameters: benchModelParameterCount(), contextSize: CONTEXT_SIZE },
      llamaBuild: llama.buildType,
      productBuild: build,
      threads: productThreads,
      threadSource,
      ...atProductThreads,
      atOneThread: productThreads === 1 ? 'the product picks 1 thread here: see above' : atOneThread,
      ...contributed,
    };
  } finally {
    await model.dispose();
  }
}

/**
 * The thread count the product uses for this model here ("auto": measured at its first load,
 * then cached per model, machine and build; docs/models.md, "Threads"), so that the bench
 * measures what a user runs.
 */
async function productThreadChoice(
  llama: Awaited<ReturnType<typeof getWorkbenchLlama>>,
  model: LlamaModel,
  modelPath: string,
): Promise<{ threads: number; source: string }> {
  const maxThreads = defaultThreadCount();
  const context = await model.createContext({ contextSize: CONTEXT_SIZE, sequences: 1, threads: maxThreads });
  try {
    const choice = await chooseContextThreads({
      setting: 'auto',
      llama,
      model,
      context,
      modelSha256: await new FileFingerprints().sha256(modelPath),
      maxThreads,
      cache: new ThreadCache(),
    });
    choice.governor?.dispose();
    return { threads: choice.threads, source: choice.source };
  } finally {
    await context.dispose();
  }
}

async function measureAt(
  model: LlamaModel,
  threads: number,
  parts?: readonly string[],
): Promise<Record<string, unknown>> {
  const context = await model.createContext({ contextSize: CONTEXT_SIZE, sequences: 4, threads });
  try {
    const backend = new LocalBackend({ model, context });
    const prompt = (await backend.renderPrompt(promptSettings(), PROMPT)).tokens as Token[];
    const step = async <T>(name: string, measure: () => Promise<T>): Promise<T | string> => {
      if (parts && !parts.includes(name)) return 'not measured (Z1WB_ENGINE_BENCH_PARTS)';
      const started = performance.now();
      const result = await measure();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      // Partial results go to stderr as they come: a slow machine may not reach the end.
      console.error(`  ${threads} thread(s): ${name} (${seconds} s) ${JSON.stringify(result)}`);
      return result;
    };
    return {
      threads,
      overhead: await step('overhead', () => measureOverhead(backend, prompt)),
      sweep: await step('sweep', () => measureSweep(backend, prompt)),
      parallel: await step('parallel', () => measureParallel(backend, prompt)),
      seeded: await step('seeded', () => measureSeeded(backend, prompt)),
      signals: await step('signals', () => measureSignals(backend, prompt)),
      earlyExit: await step('earlyExit', () =>
        measureEarlyExitProbes(backend, prompt, { timed, withSequence, startRun }),
      ),
    };
  } finally {
    await context.dispose();
  }
}

// ---------------------------------------------------------------------------------------------

async function measureOverhead(backend: LocalBackend, prompt: Token[]) {
  const settings = shiftedWindow(OVERHEAD_WINDOW, OVERHEAD_ANSWER);
  const hint = (await backend.tokenize(settings.hint)) as Token[];
  const engine: Timing[] = [];
  const bareWindow: Timing[] = [];
  const barePlain: Timing[] = [];
  await withSequence(backend, async (sequence, bare) => {
    for (let round = 0; round < ROUNDS; round++) {
      barePlain.push(await bareLoop(await bare(), prompt, OVERHEAD_WINDOW + OVERHEAD_ANSWER, { temperature: 0 }));
      bareWindow.push(await bareShiftedWindowLoop(await bare(), prompt, OVERHEAD_WINDOW, hint, OVERHEAD_ANSWER));
      const run = await startRun(backend, sequence, prompt);
      engine.push(
        await timed(async () => {
          const result = await runShiftedWindow(settings, run);
          return result.phase1Tokens + result.answerTokens;
        }),
      );
    }
  });
  return {
    ratio: bestRate(engine, 'wall') / bestRate(bareWindow, 'wall'),
    cpuRatio: bestRate(engine, 'cpu') / bestRate(bareWindow, 'cpu'),
    plainLoopRatio: bestRate(engine, 'wall') / bestRate(barePlain, 'wall'),
    plainLoopCpuRatio: bestRate(engine, 'cpu') / bestRate(barePlain, 'cpu'),
    medianRatio: median(engine.map((e, i) => rate(e, 'wall') / rate(bareWindow[i]!, 'wall'))),
    tokensPerSecond: {
      engine: bestRate(engine, 'wall'),
      bareShiftedWindowLoop: bestRate(bareWindow, 'wall'),
      barePlainLoop: bestRate(barePlain, 'wall'),
    },
    window: OVERHEAD_WINDOW,
    answerBudget: OVERHEAD_ANSWER,
    hintTokens: hint.length,
    rounds: ROUNDS,
  };
}

async function measureSweep(backend: LocalBackend, prompt: Token[]) {
  const settings = SWEEP_WINDOWS.map((window) => shiftedWindow(window, SWEEP_ANSWER));
  const hintTokens = (await backend.tokenize(settings[0]!.hint)).length;
  const branched: Timing[] = [];
  const naive: Timing[] = [];
  let identical = true;
  await withSequence(backend, async (sequence) => {
    for (let round = 0; round < SWEEP_ROUNDS; round++) {
      let swept: StrategyResult[] = [];
      let counted = 0;
      const count = (n: number) => (counted += n);
      branched.push(
        await timed(async () => {
          swept = await runBranchedSweep(settings, await startRun(backend, sequence, prompt, count));
          return counted;
        }),
      );
      counted = 0;
      const independent: StrategyResult[] = [];
      naive.push(
        await timed(async () => {
          for (const s of settings)
            independent.push(await runStrategy(s, await startRun(backend, sequence, prompt, count)));
          return counted;
        }),
      );
      identical &&= swept.every((r, i) => sameTokens(r, independent[i]!));
    }
  });
  const tokensGenerated = branched[0]!.tokens;
  const tokensGeneratedNaive = naive[0]!.tokens;
  const inserted = SWEEP_WINDOWS.length * hintTokens;
  return {
    windows: SWEEP_WINDOWS,
    answerBudget: SWEEP_ANSWER,
    tokensGenerated,
    tokensGeneratedNaive,
    speedup: Math.min(...naive.map((t) => t.wallMs)) / Math.min(...branched.map((t) => t.wallMs)),
    cpuSpeedup: Math.min(...naive.map((t) => t.cpuMs)) / Math.min(...branched.map((t) => t.cpuMs)),
    medianSpeedup: median(naive.map((t, i) => t.wallMs / branched[i]!.wallMs)),
    /** Naive ÷ branched generated tokens: the speed-up if only generated tokens cost time. */
    ideal: tokensGeneratedNaive / tokensGenerated,
    /** The same counting the hints both sides evaluate (each window's hint, once per side). */
    idealWithHints: (tokensGeneratedNaive + inserted) / (tokensGenerated + inserted),
    identical,
    hintTokens,
    rounds: SWEEP_ROUNDS,
  };
}

async function measureParallel(backend: LocalBackend, prompt: Token[]) {
  const tokensPerSecond: Record<string, number> = {};
  const bareTokensPerSecond: Record<string, number> = {};
  for (const sequences of PARALLEL_SEQUENCES) {
    const engine: Timing[] = [];
    const bare: Timing[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await bareParallelLoops(backend, prompt, sequences));
      engine.push(await engineParallelBatch(backend, sequences, round));
    }
    tokensPerSecond[`sequences${sequences}`] = bestRate(engine, 'wall');
    bareTokensPerSecond[`sequences${sequences}`] = bestRate(bare, 'wall');
  }
  return {
    tokensPerSecond,
    /** node-llama-cpp's own greedy loops, one per sequence, run at once: what batching gives here. */
    bareTokensPerSecond,
    tokensPerSequence: PARALLEL_TOKENS,
    speedup4: tokensPerSecond.sequences4! / tokensPerSecond.sequences1!,
    bareSpeedup4: bareTokensPerSecond.sequences4! / bareTokensPerSecond.sequences1!,
  };
}

/** `engine.generate` with one item per sequence: the batch runs them all at once. */
async function engineParallelBatch(backend: LocalBackend, sequences: number, round: number): Promise<Timing> {
  const items = Array.from({ length: sequences }, (_, i) => ({
    key: `s${i}`,
    problemId: 'q01',
    sampleIndex: i,
    message: PROMPT,
  }));
  const { modelId: _modelId, ...request } = apiMethods['engine.generate'].params.parse({
    batchId: `parallel-${sequences}-${round}`,
    modelId: 'bench',
    prompt: promptSettings(),
    strategies: [{ strategy: 'unbounded', maxTokens: PARALLEL_TOKENS }],
    sampling: {},
    items,
  });
  return timed(async () => {
    let generated = 0;
    await new GenerationBatch(backend, request, {
      sample: (data: EventData<'engine.sample'>) => (generated += data.results[0]!.totalTokens),
      token: () => {},
      progress: () => {},
    }).run();
    return generated;
  });
}

async function bareParallelLoops(backend: LocalBackend, prompt: Token[], sequences: number): Promise<Timing> {
  const held = await Promise.all(Array.from({ length: sequences }, () => backend.acquireSequence()));
  try {
    const raw = await Promise.all(held.map(bareSequenceOf));
    return await timed(async () => {
      const counts = await Promise.all(
        raw.map(async (sequence) => {
          let count = 0;
          for await (const _token of sequence.evaluate(prompt, { temperature: 0 })) {
            count += 1;
            if (count >= PARALLEL_TOKENS) break;
          }
          return count;
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    });
  } finally {
    for (const sequence of held) {
      await sequence.truncate(0);
      sequence.release();
    }
  }
}

async function measureSeeded(backend: LocalBackend, prompt: Token[]) {
  const sampling = { temperature: 1, topK: 40, topP: 0.95, minP: 0 };
  const bare: Timing[] = [];
  const engine: Timing[] = [];
  await withSequence(backend, async (sequence, bareSequence) => {
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await bareLoop(await bareSequence(), prompt, SEEDED_TOKENS, { ...sampling, seed: 1 }));
      const run = await startRun(backend, sequence, prompt, undefined, sampling);
      const settings = strategySettings.parse({ strategy: 'unbounded', maxTokens: SEEDED_TOKENS });
      engine.push(await timed(async () => (await runStrategy(settings, run)).totalTokens));
    }
  });
  return {
    ratio: bestRate(engine, 'wall') / bestRate(bare, 'wall'),
    cpuRatio: bestRate(engine, 'cpu') / bestRate(bare, 'cpu'),
    medianRatio: median(engine.map((e, i) => rate(e, 'wall') / rate(bare[i]!, 'wall'))),
    perPositionSeedTokensPerSecond: bestRate(engine, 'wall'),
    singleSeedLoopTokensPerSecond: bestRate(bare, 'wall'),
    tokensPerRun: SEEDED_TOKENS,
  };
}

/**
 * The cost of token signals: the same greedy generation with signals off and in mode "summary"
 * (what every run stores), in alternating rounds whose order flips each round, so a busy machine
 * disturbs both sides alike. The tokens must be the same.
 */
async function measureSignals(backend: LocalBackend, prompt: Token[]) {
  const settings = strategySettings.parse({ strategy: 'unbounded', maxTokens: SIGNAL_TOKENS });
  const on = signalSettings.parse({ mode: 'summary' });
  const off: Timing[] = [];
  const withSignals: Timing[] = [];
  let identical = true;
  await withSequence(backend, async (sequence) => {
    const generate = async (signals: SignalSettings | undefined, into: Timing[]) => {
      const run = await startRun(backend, sequence, prompt, undefined, undefined, signals);
      let text = '';
      into.push(
        await timed(async () => {
          const result = await runStrategy(settings, run);
          text = result.text;
          return result.totalTokens;
        }),
      );
      return text;
    };
    for (let round = 0; round < SIGNAL_ROUNDS; round++) {
      const [first, second] = round % 2 === 0 ? [undefined, on] : [on, undefined];
      const a = await generate(first, first ? withSignals : off);
      const b = await generate(second, second ? withSignals : off);
      identical &&= a === b;
    }
  });
  return {
    ratio: bestRate(withSignals, 'wall') / bestRate(off, 'wall'),
    cpuRatio: bestRate(withSignals, 'cpu') / bestRate(off, 'cpu'),
    medianRatio: median(withSignals.map((t, i) => rate(t, 'wall') / rate(off[i]!, 'wall'))),
    tokensPerSecond: { signalsOff: bestRate(off, 'wall'), signalsOn: bestRate(withSignals, 'wall') },
    mode: on.mode,
    topK: on.topK,
    tokensPerRun: SIGNAL_TOKENS,
    identical,
    rounds: SIGNAL_ROUNDS,
  };
}

// ---------------------------------------------------------------------------------------------

/** Wall and CPU time of one measured run, and the tokens it generated. */
interface Timing {
  tokens: number;
  wallMs: number;
  /** CPU time of the whole process: llama.cpp's compute threads and the JS thread. */
  cpuMs: number;
}

/**
 * Times a run. CPU time is reported beside wall time: on a machine shared with other work, a
 * process's CPU time hardly depends on what the neighbours do, while its wall time does.
 */
async function timed(run: () => Promise<number>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const tokens = await run();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { tokens, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function rate(timing: Timing, clock: 'wall' | 'cpu'): number {
  return (timing.tokens * 1000) / (clock === 'wall' ? timing.wallMs : timing.cpuMs);
}

/** The best round: interference from other work only ever slows a run down. */
function bestRate(timings: Timing[], clock: 'wall' | 'cpu'): number {
  return Math.max(...timings.map((t) => rate(t, clock)));
}

/** The plain baseline: node-llama-cpp's own token loop, after the same prompt evaluation. */
async function bareLoop(
  sequence: LlamaContextSequence,
  prompt: Token[],
  tokens: number,
  options: Parameters<LlamaContextSequence['evaluate']>[1],
): Promise<Timing> {
  await sequence.clearHistory();
  await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
  return timed(async () => {
    let count = 0;
    for await (const _token of sequence.evaluate(prompt.slice(-1), options)) {
      count += 1;
      if (count >= tokens) break;
    }
    return count;
  });
}

/**
 * The shifted window written directly against node-llama-cpp, as Z1's script does it: W tokens,
 * the hint injected into the same generator (evaluated with the W-th token), then the answer.
 * No look-ahead at W: that is a guarantee the engine adds, and its cost counts as overhead.
 */
async function bareShiftedWindowLoop(
  sequence: LlamaContextSequence,
  prompt: Token[],
  window: number,
  hint: Token[],
  answer: number,
): Promise<Timing> {
  await sequence.clearHistory();
  await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
  return timed(async () => {
    const iterator = sequence.evaluate(prompt.slice(-1), { temperature: 0 });
    let thinking = 0;
    let answered = 0;
    let step = await iterator.next();
    while (!step.done) {
      if (thinking < window) {
        thinking += 1;
        // The W-th token and the hint are evaluated together, then the answer is sampled.
        step = await iterator.next(thinking === window ? [step.value, ...hint] : undefined);
        continue;
      }
      answered += 1;
      if (answered >= answer) break;
      step = await iterator.next();
    }
    await iterator.return();
    return thinking + answered;
  });
}

/** One sequence of the context, used through the backend and directly for the baselines. */
async function withSequence(
  backend: LocalBackend,
  body: (sequence: BackendSequence, bare: () => Promise<LlamaContextSequence>) => Promise<void>,
): Promise<void> {
  const sequence = await backend.acquireSequence();
  try {
    await body(sequence, () => bareSequenceOf(sequence));
  } finally {
    await sequence.truncate(0);
    sequence.release();
  }
}

function bareSequenceOf(sequence: BackendSequence): Promise<LlamaContextSequence> {
  return (sequence as LocalSequence).bareSequence();
}

async function startRun(
  backend: LocalBackend,
  sequence: BackendSequence,
  prompt: Token[],
  onGenerated?: (count: number) => void,
  sampling = { temperature: 0, topK: 40, topP: 0.95, minP: 0 },
  signals?: SignalSettings,
): Promise<SampleRun> {
  const promptMs = await sequence.start(prompt);
  return new SampleRun({
    sequence,
    backend,
    key: 'bench',
    sampleSeed: 1,
    sampling,
    stopStrings: [],
    endOfThinking: null,
    thinkingOpened: false,
    promptMs,
    signals,
    onGenerated,
  });
}

function shiftedWindow(window: number, answerBudget: number): ShiftedWindowSettings {
  return strategySettings.parse({ strategy: 'shifted-window', window, answerBudget }) as ShiftedWindowSettings;
}

function promptSettings() {
  return {
    template: '{{problem}}',
    chatTemplate: 'raw' as const,
    systemPrompt: null,
    thinkPrefix: '',
    stopStrings: [],
  };
}

function sameTokens(a: StrategyResult, b: StrategyResult): boolean {
  return JSON.stringify(a.segments) === JSON.stringify(b.segments) && a.text === b.text;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
