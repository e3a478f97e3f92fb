/**
 * Engine benchmarks (DESIGN §5), measured as ratios side by side in one run on the `bench`
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
 *   against a bare seeded `evaluate` loop (one sampler for the whole run).
 *
 * Everything is measured at the thread count the product picks and again at 1 thread
 * (`atOneThread`). Rounds alternate between the engine and the baseline and the median is
 * reported, so a busy shared machine disturbs both sides alike.
 */
import { getLlama, type LlamaContextSequence, type LlamaModel, type Token } from 'node-llama-cpp';
import type { EventData } from '../../common/api/contract';
import type { SampleResult } from '../../common/api/contract/generation';
import { apiMethods } from '../../common/api/contract';
import { strategySettings } from '../../common/settings/strategy';
import type { BackendSequence } from '../../main/engine/backend/GenerationBackend';
import { benchModelParameterCount } from '../../main/engine/fixture/benchModel';
import { ensureFixtureFile } from '../../main/engine/fixture/fixtureFiles';
import { GenerationBatch } from '../../main/engine/generation/GenerationBatch';
import { defaultThreadCount } from '../../main/engine/hardware/physicalCores';
import { LocalBackend } from '../../main/engine/local/LocalBackend';
import type { LocalSequence } from '../../main/engine/local/LocalSequence';
import { SampleRun } from '../../main/engine/strategies/SampleRun';
import { runShiftedWindow } from '../../main/engine/strategies/shiftedWindow';
import type { ShiftedWindowSettings } from '../../main/engine/strategies/types';
import { runStrategy } from '../../main/engine/strategies/runStrategy';
import { runBranchedSweep } from '../../main/engine/sweep/branchedSweep';

const PROMPT = 'q01: What is 2 + 3? Put the final answer in \\boxed{}.';
const ROUNDS = 3;
/** Overhead run: a long phase 1, then the hint and a short answer, as Z1 generates. */
const OVERHEAD_WINDOW = 240;
const OVERHEAD_ANSWER = 16;
const SWEEP_WINDOWS = [64, 128, 256, 512];
const SWEEP_ANSWER = 16;
const PARALLEL_SEQUENCES = [1, 2, 4];
const PARALLEL_TOKENS = 64;
const SEEDED_TOKENS = 128;
const CONTEXT_SIZE = 1024;

/**
 * Measurements other parts of the engine contribute to this suite, each under its own key.
 * The models helper adds `llamaBench` here (decode and prompt tokens/s against llama-bench
 * built from the same llama.cpp source, at the same threads):
 *   ['llamaBench', (bench) => measureLlamaBenchRatios(bench)],
 */
type Contribution = (bench: { modelPath: string; threads: readonly number[] }) => Promise<unknown>;
const CONTRIBUTIONS: ReadonlyArray<readonly [string, Contribution]> = [];

export async function runEngineBench(): Promise<Record<string, unknown>> {
  const modelPath = await ensureFixtureFile('bench');
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath });
  const productThreads = defaultThreadCount();
  try {
    const atOneThread = await measureAt(model, 1);
    const atProductThreads = productThreads === 1 ? atOneThread : await measureAt(model, productThreads);
    const contributed: Record<string, unknown> = {};
    for (const [key, measure] of CONTRIBUTIONS) {
      contributed[key] = await measure({ modelPath, threads: [...new Set([productThreads, 1])] });
    }
    return {
      model: { file: modelPath, parameters: benchModelParameterCount(), contextSize: CONTEXT_SIZE },
      threads: productThreads,
      ...atProductThreads,
      atOneThread: productThreads === 1 ? 'the product picks 1 thread here: see above' : atOneThread,
      ...contributed,
    };
  } finally {
    await model.dispose();
  }
}

async function measureAt(model: LlamaModel, threads: number): Promise<Record<string, unknown>> {
  const context = await model.createContext({ contextSize: CONTEXT_SIZE, sequences: 4, threads });
  try {
    const backend = new LocalBackend({ model, context });
    const prompt = (await backend.renderPrompt(promptSettings(), PROMPT)).tokens as Token[];
    const step = async <T>(name: string, measure: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await measure();
      console.error(
        `  ${threads} thread(s): ${name} measured in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return result;
    };
    return {
      threads,
      overhead: await step('overhead', () => measureOverhead(backend, prompt)),
      sweep: await step('sweep', () => measureSweep(backend, prompt)),
      parallel: await step('parallel', () => measureParallel(backend)),
      seeded: await step('seeded', () => measureSeeded(backend, prompt)),
    };
  } finally {
    await context.dispose();
  }
}

// ---------------------------------------------------------------------------------------------

async function measureOverhead(backend: LocalBackend, prompt: Token[]) {
  const settings = shiftedWindow(OVERHEAD_WINDOW, OVERHEAD_ANSWER);
  const bare: number[] = [];
  const engine: number[] = [];
  await withSequence(backend, async (sequence, llamaSequence) => {
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await bareGreedyLoop(llamaSequence, prompt, OVERHEAD_WINDOW + OVERHEAD_ANSWER));
      const run = await startRun(backend, sequence, prompt);
      const started = performance.now();
      const result = await runShiftedWindow(settings, run);
      engine.push(((result.phase1Tokens + result.answerTokens) * 1000) / (performance.now() - started));
    }
  });
  const ratios = bare.map((b, i) => engine[i]! / b);
  return {
    ratio: median(ratios),
    engineTokensPerSecond: median(engine),
    bareTokensPerSecond: median(bare),
    tokensPerRun: OVERHEAD_WINDOW + OVERHEAD_ANSWER,
    rounds: ROUNDS,
  };
}

async function measureSweep(backend: LocalBackend, prompt: Token[]) {
  const settings = SWEEP_WINDOWS.map((window) => shiftedWindow(window, SWEEP_ANSWER));
  const branchedMs: number[] = [];
  const naiveMs: number[] = [];
  let branchedTokens = 0;
  let naiveTokens = 0;
  let identical = true;
  await withSequence(backend, async (sequence) => {
    for (let round = 0; round < ROUNDS; round++) {
      let counted = 0;
      const count = (n: number) => (counted += n);

      let started = performance.now();
      const swept = await runBranchedSweep(settings, await startRun(backend, sequence, prompt, count));
      branchedMs.push(performance.now() - started);
      branchedTokens = counted;

      counted = 0;
      started = performance.now();
      const independent: SampleResult[] = [];
      for (const s of settings)
        independent.push(await runStrategy(s, await startRun(backend, sequence, prompt, count)));
      naiveMs.push(performance.now() - started);
      naiveTokens = counted;

      identical &&= swept.every((r, i) => sameTokens(r, independent[i]!));
    }
  });
  return {
    windows: SWEEP_WINDOWS,
    answerBudget: SWEEP_ANSWER,
    tokensGenerated: branchedTokens,
    tokensGeneratedNaive: naiveTokens,
    speedup: median(naiveMs.map((n, i) => n / branchedMs[i]!)),
    ideal: naiveTokens / branchedTokens,
    identical,
    rounds: ROUNDS,
  };
}

async function measureParallel(backend: LocalBackend) {
  const tokensPerSecond: Record<string, number> = {};
  for (const sequences of PARALLEL_SEQUENCES) {
    const rates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
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
      let generated = 0;
      const started = performance.now();
      await new GenerationBatch(backend, request, {
        sample: (data: EventData<'engine.sample'>) => (generated += data.results[0]!.totalTokens),
        token: () => {},
        progress: () => {},
      }).run();
      rates.push((generated * 1000) / (performance.now() - started));
    }
    tokensPerSecond[`sequences${sequences}`] = median(rates);
  }
  return {
    tokensPerSecond,
    tokensPerSequence: PARALLEL_TOKENS,
    speedup4: tokensPerSecond.sequences4! / tokensPerSecond.sequences1!,
  };
}

async function measureSeeded(backend: LocalBackend, prompt: Token[]) {
  const sampling = { temperature: 1, topK: 40, topP: 0.95, minP: 0 };
  const bare: number[] = [];
  const engine: number[] = [];
  await withSequence(backend, async (sequence, llamaSequence) => {
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await bareSeededLoop(llamaSequence, prompt, SEEDED_TOKENS, { ...sampling, seed: 1 }));
      const run = await startRun(backend, sequence, prompt, undefined, sampling);
      const started = performance.now();
      const result = await runStrategy(
        strategySettings.parse({ strategy: 'unbounded', maxTokens: SEEDED_TOKENS }),
        run,
      );
      engine.push((result.totalTokens * 1000) / (performance.now() - started));
    }
  });
  return {
    ratio: median(engine.map((e, i) => e / bare[i]!)),
    perPositionSeedTokensPerSecond: median(engine),
    singleSeedLoopTokensPerSecond: median(bare),
    tokensPerRun: SEEDED_TOKENS,
  };
}

// ---------------------------------------------------------------------------------------------

/** The baseline: node-llama-cpp's own greedy token loop, after the same prompt evaluation. */
async function bareGreedyLoop(sequence: LlamaContextSequence, prompt: Token[], tokens: number): Promise<number> {
  return bareLoop(sequence, prompt, tokens, { temperature: 0 });
}

async function bareSeededLoop(
  sequence: LlamaContextSequence,
  prompt: Token[],
  tokens: number,
  sampling: { temperature: number; topK: number; topP: number; minP: number; seed: number },
): Promise<number> {
  return bareLoop(sequence, prompt, tokens, sampling);
}

async function bareLoop(
  sequence: LlamaContextSequence,
  prompt: Token[],
  tokens: number,
  options: Parameters<LlamaContextSequence['evaluate']>[1],
): Promise<number> {
  await sequence.clearHistory();
  await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
  const started = performance.now();
  let count = 0;
  for await (const _token of sequence.evaluate(prompt.slice(-1), options)) {
    count += 1;
    if (count >= tokens) break;
  }
  return (count * 1000) / (performance.now() - started);
}

/** One sequence of the context, used through the backend and directly for the baselines. */
async function withSequence(
  backend: LocalBackend,
  body: (sequence: BackendSequence, llamaSequence: LlamaContextSequence) => Promise<void>,
): Promise<void> {
  const sequence = await backend.acquireSequence();
  try {
    await body(sequence, llamaSequenceOf(sequence));
  } finally {
    await sequence.truncate(0);
    sequence.release();
  }
}

function llamaSequenceOf(sequence: BackendSequence): LlamaContextSequence {
  return (sequence as LocalSequence).llamaSequence;
}

async function startRun(
  backend: LocalBackend,
  sequence: BackendSequence,
  prompt: Token[],
  onGenerated?: (count: number) => void,
  sampling = { temperature: 0, topK: 40, topP: 0.95, minP: 0 },
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

function sameTokens(a: SampleResult, b: SampleResult): boolean {
  return JSON.stringify(a.segments) === JSON.stringify(b.segments) && a.text === b.text;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
