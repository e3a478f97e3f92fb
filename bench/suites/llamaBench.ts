import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Llama, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { getWorkbenchLlama, type BuildChoice } from '../../main/engine/hardware/workbenchLlama';
import { engineProcessEnv } from '../../main/engine-supervisor/engineProcessEnv';
import { LocalBackend } from '../../main/engine/local/LocalBackend';
import { ensureLlamaCppTools } from '../../main/llama-builds/llamaCppTools';
import { median } from '../../common/math/average';

const execFileAsync = promisify(execFile);

/**
 * The workbench against llama.cpp itself (docs/architecture.md, "Targets": decode and prompt processing at ≥ 95% of
 * `llama-bench`, built from the same llama.cpp source, on the same GGUF and threads).
 *
 * - llama-bench: `-p 512 -n 128 -r 3` (its defaults: n_batch 2048, n_ubatch 512), JSON output.
 * - workbench: the engine's own decode path (LocalBackend → ContextDecoder, see
 *   measureWorkbenchLoop) through the workbench's Llama (getWorkbenchLlama: native build of the
 *   addon if present, else prebuilt) in a fresh Node process with the engine process's
 *   environment (engineProcessEnv), so whatever Llama the caller has loaded cannot interfere.
 *   One context of batch size 512 with the thread count under test: prompt processing = a
 *   sequence's `start` with 512 tokens; decode = `generate` of 128 tokens, greedy, detokenized
 *   (sampling included: that is the engine's real path). Same repetitions, after a warm-up.
 * - The two run back to back for `rounds` rounds (who goes first alternates), each keeping the best
 *   of its repetitions. The machine's speed drifts by ±5% over minutes here (other tenants), so
 *   a round's two measurements are paired: `ratio` and `promptRatio` are the median over rounds
 *   of the workbench ÷ llama-bench tokens/s of one round, at the first thread count given
 *   (the product's). `bestRatio` and `bestPromptRatio` divide the best runs of all rounds
 *   (more exposed to drift); `byThreads` has every measurement and the per-round ratios.
 */
export interface LlamaBenchOptions {
  modelPath: string;
  /** The first is the product's thread count: the top-level ratios are the ones measured there. */
  threads: number[];
  promptTokens?: number;
  generateTokens?: number;
  repetitions?: number;
  batchSize?: number;
  rounds?: number;
}

interface Speeds {
  promptTokensPerSecond: number;
  decodeTokensPerSecond: number;
}

export async function runLlamaBenchComparison(opts: {
  modelPath: string;
  threads: readonly number[];
}): Promise<Record<string, unknown>> {
  return compareWithLlamaBench({ modelPath: opts.modelPath, threads: [...opts.threads] });
}

export async function compareWithLlamaBench(opts: LlamaBenchOptions): Promise<Record<string, unknown>> {
  const settings = {
    promptTokens: opts.promptTokens ?? 512,
    generateTokens: opts.generateTokens ?? 128,
    repetitions: opts.repetitions ?? 3,
    batchSize: opts.batchSize ?? 512,
    rounds: opts.rounds ?? 6,
  };
  const tools = await ensureLlamaCppTools({
    onProgress: (p) => {
      if (p.stage !== 'build' || p.percent === null || p.percent % 10 === 0)
        console.error(`llama.cpp tools: ${p.stage} ${p.line}`);
    },
  });
  let reference = new Map<number, Speeds>();
  let workbench = new Map<number, Speeds>();
  let child: ChildResult | null = null;
  const paired = new Map<number, { decode: number[]; prompt: number[] }>(
    opts.threads.map((t) => [t, { decode: [], prompt: [] }]),
  );
  for (let round = 0; round < settings.rounds; round++) {
    const runReference = () => runLlamaBench(tools.llamaBench, opts.modelPath, opts.threads, settings);
    // Alternate which side goes first, so a machine that speeds up or slows down favours neither.
    const theirs = round % 2 === 0 ? await runReference() : null;
    child = await measureInChild({ ...settings, build: 'auto', modelPath: opts.modelPath, threads: opts.threads });
    const ours = new Map(Object.entries(child.byThreads).map(([t, speeds]) => [Number(t), speeds]));
    const theirsNow = theirs ?? (await runReference());
    reference = best(reference, theirsNow);
    workbench = best(workbench, ours);
    for (const t of opts.threads) {
      paired.get(t)!.decode.push(ours.get(t)!.decodeTokensPerSecond / theirsNow.get(t)!.decodeTokensPerSecond);
      paired.get(t)!.prompt.push(ours.get(t)!.promptTokensPerSecond / theirsNow.get(t)!.promptTokensPerSecond);
    }
  }

  const byThreads: Record<string, Record<string, unknown>> = {};
  for (const t of opts.threads) {
    const ours = workbench.get(t)!;
    const theirs = reference.get(t)!;
    const rounds = paired.get(t)!;
    byThreads[String(t)] = {
      workbench: ours,
      llamaBench: theirs,
      ratio: median(rounds.decode),
      promptRatio: median(rounds.prompt),
      bestRatio: ours.decodeTokensPerSecond / theirs.decodeTokensPerSecond,
      bestPromptRatio: ours.promptTokensPerSecond / theirs.promptTokensPerSecond,
      ratioPerRound: rounds.decode,
      promptRatioPerRound: rounds.prompt,
    };
  }
  const { ratio, promptRatio, bestRatio, bestPromptRatio } = byThreads[String(opts.threads[0])]!;
  return {
    ratio,
    promptRatio,
    bestRatio,
    bestPromptRatio,
    threads: opts.threads[0],
    model: opts.modelPath,
    workbenchBuild: child?.buildType,
    llamaCppRelease: child?.llamaCppRelease,
    llamaBenchCommit: tools.commit.slice(0, 12),
    // The measuring child runs with the engine process's environment (2-thread decode depends on it).
    childEnv: engineProcessEnv(),
    settings,
    byThreads,
  };
}

function best(a: Map<number, Speeds>, b: Map<number, Speeds>): Map<number, Speeds> {
  const merged = new Map(a);
  for (const [t, speeds] of b) {
    const known = merged.get(t);
    merged.set(t, {
      promptTokensPerSecond: Math.max(known?.promptTokensPerSecond ?? 0, speeds.promptTokensPerSecond),
      decodeTokensPerSecond: Math.max(known?.decodeTokensPerSecond ?? 0, speeds.decodeTokensPerSecond),
    });
  }
  return merged;
}

/** llama-bench's best repetition (tokens/s) per thread count, for pp<promptTokens> and tg<generateTokens>. */
export async function runLlamaBench(
  llamaBench: string,
  modelPath: string,
  threads: number[],
  settings: { promptTokens: number; generateTokens: number; repetitions: number },
): Promise<Map<number, Speeds>> {
  const args = [
    '-m',
    modelPath,
    '-t',
    threads.join(','),
    '-p',
    String(settings.promptTokens),
    '-n',
    String(settings.generateTokens),
    '-r',
    String(settings.repetitions),
    '-o',
    'json',
  ];
  const { stdout } = await execFileAsync(llamaBench, args, { maxBuffer: 16 << 20 });
  const rows = JSON.parse(stdout) as Array<{
    n_threads: number;
    n_prompt: number;
    n_gen: number;
    samples_ts: number[];
  }>;
  const result = new Map<number, Speeds>();
  for (const t of threads) {
    const pp = rows.find((r) => r.n_threads === t && r.n_prompt > 0 && r.n_gen === 0);
    const tg = rows.find((r) => r.n_threads === t && r.n_gen > 0 && r.n_prompt === 0);
    if (!pp || !tg) throw new Error(`llama-bench gave no pp/tg result for ${t} threads: ${stdout.slice(0, 500)}`);
    result.set(t, {
      promptTokensPerSecond: Math.max(...pp.samples_ts),
      decodeTokensPerSecond: Math.max(...tg.samples_ts),
    });
  }
  return result;
}

function benchTokens(model: LlamaModel, count: number, seed: number): Token[] {
  // Like llama-bench: arbitrary token ids (a fixed pseudo-random sequence), not text.
  const tokenList = (model.fileInfo.metadata as unknown as { tokenizer?: { ggml?: { tokens?: unknown[] } } }).tokenizer
    ?.ggml?.tokens;
  const vocabulary = Array.isArray(tokenList) && tokenList.length > 0 ? tokenList.length : 256;
  const tokens: Token[] = [];
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    tokens.push((state % vocabulary) as Token);
  }
  return tokens;
}

/**
 * The workbench's tokens/s for prompt processing and decoding, per thread count. `loop`:
 * - 'engine' (default): the engine's own path, a LocalBackend sequence (ContextDecoder): prompt
 *   = `start` with 512 tokens; decode = `generate` of 128 tokens, greedy, with detokenizing and
 *   stop-string matching, as a sample's phase 1 runs.
 * - 'node-llama-cpp': node-llama-cpp's own loop (`evaluateWithoutGeneratingNewTokens`, then
 *   `sequence.evaluate` token by token), what the engine used before ContextDecoder.
 */
export async function measureWorkbenchLoop(
  llama: Llama,
  opts: Omit<ChildRequest, 'build' | 'env'>,
): Promise<Map<number, Speeds>> {
  const model = await llama.loadModel({ modelPath: opts.modelPath, gpuLayers: 0 });
  const result = new Map<number, Speeds>();
  try {
    for (const threads of opts.threads) {
      if (threads > llama.maxThreads) llama.maxThreads = threads;
      const context = await model.createContext({
        contextSize: opts.promptTokens + opts.generateTokens + 16,
        batchSize: opts.batchSize,
        sequences: 1,
        threads,
        ...(opts.flashAttention !== undefined ? { flashAttention: opts.flashAttention } : {}),
      });
      const prompt = benchTokens(model, opts.promptTokens + 1, 7);
      const { runPrompt, runDecode } =
        opts.loop === 'node-llama-cpp'
          ? nodeLlamaCppLoop(context.getSequence(), prompt, opts)
          : await engineLoop(new LocalBackend({ model, context, thinkDelimiters: null }), prompt, opts);
      await runPrompt(); // warm-up, like llama-bench's
      await runDecode();
      const pp: number[] = [];
      const tg: number[] = [];
      for (let r = 0; r < opts.repetitions; r++) {
        pp.push(await runPrompt());
        tg.push(await runDecode());
      }
      result.set(threads, { promptTokensPerSecond: Math.max(...pp), decodeTokensPerSecond: Math.max(...tg) });
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
  return result;
}

interface Loop {
  /** Tokens/s of evaluating the prompt (all but its last token) into an empty sequence. */
  runPrompt(): Promise<number>;
  /** Tokens/s of decoding `generateTokens` tokens greedily from a one-token prompt. */
  runDecode(): Promise<number>;
}

async function engineLoop(
  backend: LocalBackend,
  prompt: Token[],
  opts: { promptTokens: number; generateTokens: number },
): Promise<Loop> {
  const sequence = await backend.acquireSequence();
  const greedy = { temperature: 0, topK: 40, topP: 0.95, minP: 0 };
  return {
    async runPrompt() {
      await sequence.truncate(0);
      return opts.promptTokens / ((await sequence.start(prompt)) / 1000);
    },
    async runDecode() {
      await sequence.truncate(0);
      await sequence.start(prompt.slice(0, 1));
      const result = await sequence.generate({
        maxTokens: opts.generateTokens,
        sampling: greedy,
        seed: { sampleSeed: 0, stream: 'thinking' },
        stopStrings: [],
      });
      return result.tokens.length / (result.elapsedMs / 1000);
    },
  };
}

function nodeLlamaCppLoop(
  sequence: LlamaContextSequence,
  prompt: Token[],
  opts: { promptTokens: number; generateTokens: number; noSampling?: boolean },
): Loop {
  return {
    async runPrompt() {
      await sequence.clearHistory();
      const started = performance.now();
      await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, opts.promptTokens));
      return opts.promptTokens / ((performance.now() - started) / 1000);
    },
    async runDecode() {
      await sequence.clearHistory();
      let decoded = 0;
      const started = performance.now();
      if (opts.noSampling) {
        for (; decoded < opts.generateTokens; decoded++)
          await sequence.evaluateWithoutGeneratingNewTokens([prompt[decoded]!]);
      } else {
        for await (const _token of sequence.evaluate([prompt[0]!], { temperature: 0, yieldEogToken: true })) {
          decoded += 1;
          if (decoded >= opts.generateTokens) break;
        }
      }
      return decoded / ((performance.now() - started) / 1000);
    },
  };
}

/**
 * Where the time goes: the same loop in fresh processes with the prebuilt and the native build
 * of the addon, with and without sampling, with and without flash attention, and with OpenMP's
 * passive wait policy (threads sleep instead of spinning between decodes).
 */
export async function investigateLlamaBenchGap(opts: {
  modelPath: string;
  threads: number[];
  only?: string;
}): Promise<Record<string, unknown>> {
  const tools = await ensureLlamaCppTools();
  const base = { promptTokens: 512, generateTokens: 128, repetitions: 3 };
  let reference = await runLlamaBench(tools.llamaBench, opts.modelPath, opts.threads, base);
  type Variant = Pick<ChildRequest, 'build' | 'loop' | 'noSampling' | 'flashAttention' | 'env'> & { name: string };
  const variants: Variant[] = [
    { name: 'engine loop, native build', build: 'native' },
    { name: 'engine loop, prebuilt', build: 'prebuilt' },
    { name: 'node-llama-cpp loop, native build', build: 'native', loop: 'node-llama-cpp' },
    {
      name: 'node-llama-cpp loop, native build, no sampling',
      build: 'native',
      loop: 'node-llama-cpp',
      noSampling: true,
    },
    { name: 'node-llama-cpp loop, prebuilt', build: 'prebuilt', loop: 'node-llama-cpp' },
    { name: 'engine loop, native build, flash attention on', build: 'native', flashAttention: true },
    {
      name: 'engine loop, native build, OMP_WAIT_POLICY=passive',
      build: 'native',
      env: { OMP_WAIT_POLICY: 'passive' },
    },
    // libuv's default pool: successive decodes start OpenMP regions from different threads.
    { name: 'engine loop, native build, UV_THREADPOOL_SIZE=4', build: 'native', env: { UV_THREADPOOL_SIZE: '4' } },
  ];
  const rows: Record<string, unknown> = {};
  for (const variant of variants.filter((v) => !opts.only || v.name.includes(opts.only))) {
    try {
      // A fresh llama-bench run beside each variant: both see the same background load.
      reference = best(reference, await runLlamaBench(tools.llamaBench, opts.modelPath, opts.threads, base));
      const measured = (
        await measureInChild({ ...variant, ...base, batchSize: 512, modelPath: opts.modelPath, threads: opts.threads })
      ).byThreads;
      rows[variant.name] = Object.fromEntries(
        opts.threads.map((t) => {
          const ours = measured[String(t)]!;
          const theirs = reference.get(t)!;
          return [
            String(t),
            {
              ...ours,
              ratio: ours.decodeTokensPerSecond / theirs.decodeTokensPerSecond,
              promptRatio: ours.promptTokensPerSecond / theirs.promptTokensPerSecond,
            },
          ];
        }),
      );
    } catch (error) {
      rows[variant.name] = { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
    }
  }
  rows['llama-bench (best)'] = Object.fromEntries([...reference].map(([t, s]) => [String(t), s]));
  return rows;
}

interface ChildRequest {
  build: BuildChoice;
  env?: Record<string, string>;
  modelPath: string;
  threads: number[];
  promptTokens: number;
  generateTokens: number;
  repetitions: number;
  batchSize: number;
  loop?: 'engine' | 'node-llama-cpp';
  /** Investigation, node-llama-cpp loop: decode token by token without sampling (as llama-bench does). */
  noSampling?: boolean;
  /** Both node-llama-cpp 3.21 and llama-bench default to "auto" (on for the CPU backend); true forces it. */
  flashAttention?: boolean;
}

interface ChildResult {
  buildType: string;
  llamaCppRelease: string;
  byThreads: Record<string, Speeds>;
}

function measureInChild(request: ChildRequest): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(request)],
      {
        // The engine process's environment (engineProcessEnv), unless a variant says otherwise.
        env: { ...process.env, ...engineProcessEnv(), ...request.env, Z1WB_LLAMA_BUILD: request.build },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as ChildResult);
      else reject(new Error(`measurement child exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

async function childMain(request: ChildRequest): Promise<void> {
  const llama = await getWorkbenchLlama({ build: request.build });
  if (request.build === 'native' && llama.buildType !== 'localBuild')
    throw new Error('the native build was not loaded');
  const measured = await measureWorkbenchLoop(llama, request);
  const result: ChildResult = {
    buildType: llama.buildType,
    llamaCppRelease: llama.llamaCppRelease.release,
    byThreads: Object.fromEntries([...measured].map(([t, speeds]) => [String(t), speeds])),
  };
  process.stdout.write(JSON.stringify(result));
}

/**
 * node --import tsx bench/suites/llamaBench.ts MODEL.gguf [THREADS=2,1]          the comparison (ratios at the first)
 * node --import tsx bench/suites/llamaBench.ts --investigate MODEL.gguf [1,2]    where the time goes
 */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  let run: Promise<unknown>;
  if (args[0] === '--child') {
    run = childMain(JSON.parse(args[1]!) as ChildRequest);
  } else {
    const investigate = args[0] === '--investigate';
    const [modelPath, threads = '2,1', only] = investigate ? args.slice(1) : args;
    if (!modelPath) {
      console.error('usage: llamaBench.ts [--investigate] MODEL.gguf [THREADS, product threads first, e.g. 2,1]');
      process.exit(2);
    }
    const measure = investigate ? investigateLlamaBenchGap : compareWithLlamaBench;
    run = measure({ modelPath, threads: threads.split(',').map(Number), ...(only ? { only } : {}) }).then((result) =>
      process.stdout.write(JSON.stringify(result, null, 2) + '\n'),
    );
  }
  run.then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
