import type { ParsedParams, EventData } from '../../../common/api/contract';
import type { SampleResult } from '../../../common/api/contract/generation';
import type { BackendSequence, GenerationBackend, RenderedPrompt } from '../backend/GenerationBackend';
import { deriveSampleSeed } from '../sampling/seeds';
import { isEarlyExitSweep, runEarlyExitSweep } from '../strategies/earlyExit';
import { runStrategy } from '../strategies/runStrategy';
import { SampleRun } from '../strategies/SampleRun';
import { runBranchedSweep } from '../sweep/branchedSweep';
import { planSweeps, type SweepPlanStep } from '../sweep/planSweeps';
import { TokenStream } from './TokenStream';

export type GenerationRequest = Omit<ParsedParams<'engine.generate'>, 'modelId'>;
type GenerationItem = GenerationRequest['items'][number];

/** Where a batch reports: the engine host turns these into API events. */
export interface GenerationEvents {
  sample(data: EventData<'engine.sample'>): void;
  token(data: EventData<'engine.token'>): void;
  progress(data: EventData<'engine.progress'>): void;
}

export interface BatchOutcome {
  batchId: string;
  completed: number;
  cancelled: boolean;
}

/**
 * Generates every item of an `engine.generate` request under every strategy, on up to
 * `backend.parallelism` sequences at once (the backend batches them together). Each item runs
 * its strategies on one sequence, window sweeps branched (main/engine/sweep); its results are
 * reported as soon as the item is done. Cancelling the batch or one item stops it at the next
 * token and gives its sequence back.
 */
export class GenerationBatch {
  private readonly controller = new AbortController();
  /**
   * What runs or waits under the batch (an item, a worker waiting for a sequence), each with a
   * controller of its own that the batch's one abort listener aborts: a listener per item on
   * the batch's signal made Node warn of a leak (MaxListenersExceededWarning) above 10 in flight.
   */
  private readonly children = new Set<AbortController>();
  private readonly running = new Map<string, AbortController>();
  private readonly skipped = new Set<string>();
  private readonly prompts = new Map<string, Promise<RenderedPrompt>>();
  private readonly plan: SweepPlanStep[];
  private completed = 0;
  private done = 0;
  private generatedTokens = 0;
  private startedAt = 0;

  constructor(
    private readonly backend: GenerationBackend,
    private readonly request: GenerationRequest,
    private readonly events: GenerationEvents,
  ) {
    this.plan = planSweeps(request.strategies);
    const signal = this.controller.signal;
    signal.addEventListener('abort', () => {
      for (const child of this.children) child.abort(signal.reason);
    });
  }

  /** A controller aborted with the batch (at once if the batch is already), until it is given back. */
  private child(): AbortController {
    const child = new AbortController();
    if (this.controller.signal.aborted) child.abort(this.controller.signal.reason);
    else this.children.add(child);
    return child;
  }

  get batchId(): string {
    return this.request.batchId;
  }

  /** Cancels the batch, or one item of it; false when there is no such item. */
  cancel(key?: string): boolean {
    if (key === undefined) {
      this.controller.abort(new Error('cancelled'));
      return true;
    }
    if (!this.request.items.some((item) => item.key === key)) return false;
    this.skipped.add(key);
    this.running.get(key)?.abort(new Error('cancelled'));
    return true;
  }

  async run(): Promise<BatchOutcome> {
    this.startedAt = performance.now();
    const queue = [...this.request.items];
    const workers = Math.max(1, Math.min(this.backend.parallelism, queue.length));
    await Promise.all(Array.from({ length: workers }, () => this.work(queue)));
    return { batchId: this.batchId, completed: this.completed, cancelled: this.controller.signal.aborted };
  }

  /** One worker: holds a sequence and takes items from the shared queue until it is empty. */
  private async work(queue: GenerationItem[]): Promise<void> {
    let sequence: BackendSequence;
    const waiting = this.child();
    try {
      sequence = await this.backend.acquireSequence(waiting.signal);
    } catch (error) {
      if (this.controller.signal.aborted) return;
      throw error;
    } finally {
      this.children.delete(waiting);
    }
    try {
      for (let item = queue.shift(); item && !this.controller.signal.aborted; item = queue.shift()) {
        if (this.skipped.has(item.key)) continue;
        const itemController = this.child();
        this.running.set(item.key, itemController);
        try {
          await this.runItem(sequence, item, itemController.signal);
        } catch (error) {
          // A failure stops the whole batch: the other workers finish their token and return.
          this.controller.abort(error);
          throw error;
        } finally {
          this.running.delete(item.key);
          this.children.delete(itemController);
        }
      }
    } finally {
      sequence.release();
    }
  }

  private async runItem(sequence: BackendSequence, item: GenerationItem, signal: AbortSignal): Promise<void> {
    const { sampling, strategies } = this.request;
    const { seed: runSeed, ...tokenSampling } = sampling;
    const sampleSeed = deriveSampleSeed(runSeed, item.problemId, item.sampleIndex);
    const prompt = await this.render(item.message);
    const stream = this.request.streamTokens
      ? new TokenStream((phase, text) => this.events.token({ batchId: this.batchId, key: item.key, phase, text }))
      : null;
    const delimiters = this.backend.thinkDelimiters;
    const results = new Array<SampleResult | undefined>(strategies.length);

    for (const step of this.plan) {
      if (signal.aborted) break;
      let promptMs: number;
      try {
        promptMs = await sequence.start(prompt.tokens, signal);
      } catch (error) {
        if (signal.aborted) break;
        throw error;
      }
      const endOfThinking =
        step.kind === 'single' && step.settings.strategy === 'budget-forcing'
          ? step.settings.endOfThinking
          : (delimiters?.close ?? null);
      const run = new SampleRun({
        sequence,
        backend: this.backend,
        key: item.key,
        sampleSeed,
        sampling: tokenSampling,
        stopStrings: this.request.prompt.stopStrings,
        endOfThinking,
        thinkingOpened: delimiters !== null && prompt.text.trimEnd().endsWith(delimiters.open),
        promptMs,
        signals: this.request.signals,
        ...(item.stopBelowConfidence !== undefined ? { stopBelowConfidence: item.stopBelowConfidence } : {}),
        signal,
        onText: stream ? (phase, text) => stream.push(phase, text) : undefined,
        onGenerated: (count) => (this.generatedTokens += count),
      });
      if (step.kind === 'sweep') {
        const swept = isEarlyExitSweep(step.settings)
          ? await runEarlyExitSweep(step.settings, run)
          : await runBranchedSweep(step.settings, run);
        step.indices.forEach((index, i) => {
          const result = swept[i];
          if (result) results[index] = { ...result, strategyIndex: index };
        });
      } else {
        results[step.index] = { ...(await runStrategy(step.settings, run)), strategyIndex: step.index };
      }
    }
    stream?.flush();

    const finished = results.filter((r): r is SampleResult => r !== undefined);
    const cancelled = signal.aborted;
    if (finished.length > 0) this.events.sample({ batchId: this.batchId, key: item.key, results: finished });
    if (!cancelled) this.completed += 1;
    this.done += 1;
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.events.progress({
      batchId: this.batchId,
      done: this.done,
      total: this.request.items.length,
      tokensPerSecond: seconds > 0 ? this.generatedTokens / seconds : 0,
    });
  }

  /** Prompts are rendered once per distinct message (many samples share one problem). */
  private render(message: string): Promise<RenderedPrompt> {
    let prompt = this.prompts.get(message);
    if (!prompt) {
      prompt = this.backend.renderPrompt(this.request.prompt, message);
      this.prompts.set(message, prompt);
    }
    return prompt;
  }
}
