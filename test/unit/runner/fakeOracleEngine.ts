import { createHash } from 'node:crypto';
import type { MethodName, Params, Result } from '../../../common/api/contract';
import type { SampleResult, TokenSignals } from '../../../common/api/contract/generation';
import { signalSettings } from '../../../common/settings/signals';
import { summarizeSignals } from '../../../common/signals/summarizeSignals';
import { ApiError, type EventMessage } from '../../../common/api/messages';
import type { StrategySettings } from '../../../common/settings/strategy';
import { expectOutcome, oracleProblems, type OracleStrategy } from '../../../main/fixtures/oracleSpec';
import { planSweeps } from '../../../main/engine/sweep/planSweeps';
import type { EnginePort } from '../../../main/runner/EnginePort';

/**
 * An engine that answers from the oracle spec instead of llama.cpp: the runner's logic (cache,
 * resume, cancel, crashes) can be tested in milliseconds. Token ids are positions in a fake
 * vocabulary of step texts, so trajectories are comparable token by token.
 */
export class FakeOracleEngine implements EnginePort {
  readonly listeners = new Set<(message: EventMessage) => void>();
  generateCalls: Array<Params<'engine.generate'>> = [];
  loads = 0;
  /** Crash the engine after this many more samples (the generate request fails). */
  crashAfter: number | null = null;
  /** Changes the answer text of these keys (for re-run diffs). */
  perturb = new Set<string>();
  /**
   * A cancel that arrives inside this item after this many of its plan steps (sweeps, then single
   * strategies, as the real engine orders them): `cancel` is called (the test cancels the job as
   * a user would) and the item reports only the steps it finished.
   */
  cancelInside: { key: string; afterSteps: number; cancel: () => void } | null = null;
  private cancelled = new Set<string>();
  private vocabulary = new Map<string, number>();

  onEvent(listener: (message: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: string, data: unknown): void {
    for (const l of this.listeners) l({ type: 'event', event, data });
  }

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const name = (handlers as Record<string, string>)[method];
    if (!name) throw new ApiError('unavailable', `the fake engine does not answer ${method}`);
    return (await (this as unknown as Record<string, (p: unknown) => unknown>)[name]!(params)) as Result<M>;
  }

  hardware(): Result<'engine.hardware'> {
    return {
      backend: 'cpu',
      buildType: 'fake',
      llamaCppRelease: 'b0000',
      gpuNames: [],
      vramBytes: null,
      ramBytes: 8e9,
      physicalCores: 2,
      defaultThreads: 1,
    };
  }

  inspectModel(params: Params<'engine.inspectModel'>): Result<'engine.inspectModel'> {
    return {
      path: params.path,
      fileBytes: 1000,
      sha256: createHash('sha256').update(params.path).digest('hex'),
      architecture: 'llama',
      name: 'oracle',
      parameterCount: 1,
      quantization: 'F32',
      trainedContextSize: 4096,
      chatTemplate: null,
      endOfGenerationTokens: ['<|im_end|>'],
      thinkDelimiters: null,
    };
  }

  loadModel(params: Params<'engine.loadModel'>): Result<'engine.loadModel'> {
    this.loads++;
    return {
      modelId: `m${this.loads}`,
      info: this.inspectModel({ path: params.model.source }),
      backend: 'cpu',
      gpuLayersOffloaded: 0,
      totalLayers: 1,
      contextSize: 512,
      threads: 1,
      parallel: 1,
      estimatedBytes: { ram: 1, vram: 0 },
    };
  }

  unloadModel(): Result<'engine.unloadModel'> {
    return { unloaded: true };
  }

  cancel(params: Params<'engine.cancel'>): Result<'engine.cancel'> {
    this.cancelled.add(params.batchId);
    return { cancelled: true };
  }

  async generate(params: Params<'engine.generate'>): Promise<Result<'engine.generate'>> {
    this.generateCalls.push(params);
    let completed = 0;
    for (const item of params.items) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.cancelled.has(params.batchId)) return { batchId: params.batchId, completed, cancelled: true };
      if (this.crashAfter !== null && this.crashAfter-- <= 0) {
        this.crashAfter = null;
        throw new ApiError('engine-crashed', 'engine.generate failed: the engine process killed by SIGKILL');
      }
      const problem = oracleProblems.find((p) => p.id === item.problemId)!;
      // Results come in the order the real engine produces them: one plan step after another.
      let steps = planSweeps(params.strategies as StrategySettings[]);
      const cut = this.cancelInside?.key === item.key ? this.cancelInside.afterSteps : null;
      if (cut !== null) {
        steps = steps.slice(0, cut);
        this.cancelInside!.cancel();
      }
      const results = steps
        .flatMap((step) => ('indices' in step ? step.indices : [step.index]))
        .map((index) => this.result(item.key, problem, params.strategies[index] as StrategySettings, index))
        .map((result) => withSignals(result, params.signals));
      this.emit('engine.sample', { batchId: params.batchId, key: item.key, results });
      if (cut !== null) return { batchId: params.batchId, completed, cancelled: true };
      completed++;
      this.emit('engine.progress', {
        batchId: params.batchId,
        done: completed,
        total: params.items.length,
        tokensPerSecond: 1000,
      });
    }
    return { batchId: params.batchId, completed, cancelled: false };
  }

  private token(text: string): number {
    let id = this.vocabulary.get(text);
    if (id === undefined) this.vocabulary.set(text, (id = this.vocabulary.size));
    return id;
  }

  private result(
    key: string,
    problem: (typeof oracleProblems)[number],
    strategy: StrategySettings,
    strategyIndex: number,
  ): SampleResult {
    const outcome = expectOutcome(problem, 'plain', strategy as OracleStrategy);
    const segments: SampleResult['segments'] = [];
    let phase: SampleResult['segments'][number]['phase'] = 'thinking';
    for (const step of outcome.steps) {
      if (step.text === '<|im_end|>') continue;
      const text = this.perturb.has(key) && step.by === 'model' && phase === 'answer' ? step.text + '!' : step.text;
      if (step.by === 'strategy') {
        segments.push({ phase: 'hint', inserted: true, text, tokens: [this.token(text)] });
        phase = 'answer';
        continue;
      }
      const last = segments.at(-1);
      if (last && last.phase === phase && !last.inserted) {
        last.text += text;
        last.tokens.push(this.token(text));
      } else segments.push({ phase, inserted: false, text, tokens: [this.token(text)] });
    }
    const text = segments.map((s) => s.text).join('');
    const hint = segments.findIndex((s) => s.phase === 'hint');
    const total = segments.reduce((n, s) => n + (s.inserted ? 0 : s.tokens.length), 0);
    return {
      key,
      strategy,
      strategyIndex,
      seed: 7,
      segments,
      text,
      phase1Tokens: outcome.thinkingTokens,
      delimitedThinkingTokens: null,
      answerTokens: total - outcome.thinkingTokens,
      totalTokens: total,
      cut: outcome.cut,
      cutAt: outcome.cut ? outcome.thinkingTokens : null,
      hintOffset: hint === -1 ? null : segments.slice(0, hint).reduce((n, s) => n + s.text.length, 0),
      stopReason: 'end-of-generation',
      extensions: 0,
      timings: { promptMs: 1, generateMs: 2, tokensPerSecond: 1000 },
    };
  }
}

/**
 * Per-token signals made up from the tokens' positions (the oracle has no logits, and its token
 * ids depend on the order an engine saw texts in): each model token gets values in the ranges
 * real ones take, inserted tokens none. With mode "summary" only the summary is reported, with
 * "record" the arrays too, as the real engine does.
 */
export function fakeSignals(segments: SampleResult['segments'], topK: number): TokenSignals {
  const inserted = segments.flatMap((s) => s.tokens.map(() => s.inserted));
  const of = (f: (position: number) => number) => inserted.map((skip, i) => (skip ? null : f(i)));
  return {
    topK,
    logprob: of((t) => -((t % 7) + 1) / 10),
    entropy: of((t) => (t % 3) / 2 + 0.125),
    confidence: of((t) => 3 + (t % 5) / 3),
  };
}

function withSignals(result: SampleResult, requested: Params<'engine.generate'>['signals']): SampleResult {
  if (!requested) return result;
  const settings = signalSettings.parse(requested);
  if (settings.mode === 'off') return result;
  const signals = fakeSignals(result.segments, settings.topK);
  return {
    ...result,
    signalSummary: summarizeSignals(signals, settings),
    ...(settings.mode === 'record' ? { signals } : {}),
  };
}

const handlers = {
  'engine.hardware': 'hardware',
  'engine.inspectModel': 'inspectModel',
  'engine.loadModel': 'loadModel',
  'engine.unloadModel': 'unloadModel',
  'engine.generate': 'generate',
  'engine.cancel': 'cancel',
} as const;
