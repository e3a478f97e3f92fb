import type { ContextThreads } from './contextThreads';
import {
  chooseThreads,
  DEFAULT_RECHECK_RULE,
  throughputVerdict,
  type DecodeWindow,
  type RecheckRule,
  type ThreadMeasurement,
} from './threadChoice';

/** One re-check: what was measured on live decodes and what it chose. */
export interface Recheck {
  at: string;
  from: number;
  to: number;
  measured: ThreadMeasurement[];
  /** Tokens per decode of the race: speeds of parallel batches are not single-token speeds. */
  batchTokens: number;
}

export interface ThreadGovernorOptions {
  threads: ContextThreads;
  /** The count in use and the thread counts to try at a re-check. */
  current: number;
  candidates: readonly number[];
  /** Decode speed expected at `current` (the load-time measurement, or a re-check's kept in the cache) … */
  referenceTokensPerSecond: number;
  /** … on decodes of this many tokens (default 1: the load-time measurement decodes one token at a time). */
  referenceBatchTokens?: number;
  rule?: Partial<RecheckRule>;
  /** Batches larger than this are prompts, not token-by-token decoding, and are not counted. */
  maxDecodeBatch: number;
  onRecheck?: (recheck: Recheck) => void;
}

/**
 * Keeps a context's thread count right while it generates. It watches the speed of
 * token-by-token decodes, per batch size; when it stays below half (or above 1.5×) of what the
 * count was measured at, it re-measures on the live decodes themselves (a few at each candidate
 * count, in turn, on batches of one size), and keeps the fastest. Under load a second thread that only spins can cost most of the speed
 * (docs/models.md, "Threads"), which is what this catches; when the load goes, the rise brings
 * the count back.
 */
export class ThreadGovernor {
  private threadsInUse: number;
  /**
   * Expected speed per batch size (tokens per decode): parallel sequences decode several tokens
   * at once, faster in tokens/s than one, so each size is compared with itself. The reference's
   * size starts from the measurement given; another size learns its reference from its first window.
   */
  private references = new Map<number, number>();
  private readonly windows = new Map<number, DecodeWindow>();
  /** A re-check in progress: the candidate at `index`, timed on batches of `size` tokens only (a fair race). */
  private probe: { index: number; size: number | null; window: DecodeWindow; measured: ThreadMeasurement[] } | null =
    null;
  private readonly rule: RecheckRule;
  private readonly rechecks: Recheck[] = [];
  private readonly unhook: () => void;

  constructor(private readonly options: ThreadGovernorOptions) {
    this.threadsInUse = options.current;
    this.references.set(options.referenceBatchTokens ?? 1, options.referenceTokensPerSecond);
    this.rule = { ...DEFAULT_RECHECK_RULE, ...options.rule };
    this.unhook = options.threads.hookDecodes({
      before: () => this.beforeDecode(),
      after: (tokens, ms) => this.afterDecode(tokens, ms),
    });
  }

  get threads(): number {
    return this.threadsInUse;
  }

  get history(): readonly Recheck[] {
    return this.rechecks;
  }

  get probing(): boolean {
    return this.probe !== null;
  }

  /** Starts a re-check at the next decode (what a sustained drop does). */
  recheck(): void {
    if (!this.probe) this.probe = { index: 0, size: null, window: { tokens: 0, decodes: 0, ms: 0 }, measured: [] };
  }

  dispose(): void {
    this.unhook();
  }

  private beforeDecode(): void {
    const wanted = this.probe ? this.options.candidates[this.probe.index]! : this.threadsInUse;
    // node-llama-cpp's own evaluate path sets its ideal count before its decodes: ours wins.
    if (this.options.threads.get() !== wanted) this.options.threads.set(wanted);
  }

  private afterDecode(tokens: number, ms: number): void {
    if (tokens === 0 || tokens > this.options.maxDecodeBatch) return;
    if (this.probe) return this.probeStep(tokens, ms);
    const w = this.windows.get(tokens) ?? { tokens: 0, decodes: 0, ms: 0 };
    const window = { tokens: w.tokens + tokens, decodes: w.decodes + 1, ms: w.ms + ms };
    const reference = this.references.get(tokens);
    const verdict = throughputVerdict(window, reference ?? (1000 * window.tokens) / window.ms, this.rule);
    if (verdict === 'wait') {
      this.windows.set(tokens, window);
      return;
    }
    this.windows.delete(tokens);
    if (reference === undefined) this.references.set(tokens, (1000 * window.tokens) / window.ms);
    else if (verdict === 'recheck') this.recheck();
  }

  private probeStep(tokens: number, ms: number): void {
    const probe = this.probe!;
    probe.size ??= tokens;
    if (tokens !== probe.size) {
      // The batches changed (a sequence finished or joined): the race is no longer fair. Back to
      // the count in use; a speed that is still off triggers a new re-check.
      this.probe = null;
      return;
    }
    const w = probe.window;
    probe.window = { tokens: w.tokens + tokens, decodes: w.decodes + 1, ms: w.ms + ms };
    if (probe.window.decodes < this.rule.probeDecodes) return;
    probe.measured.push({
      threads: this.options.candidates[probe.index]!,
      tokensPerSecond: (1000 * probe.window.tokens) / probe.window.ms,
    });
    probe.index += 1;
    probe.window = { tokens: 0, decodes: 0, ms: 0 };
    if (probe.index < this.options.candidates.length) return;
    const chosen = chooseThreads(probe.measured);
    const recheck: Recheck = {
      at: new Date().toISOString(),
      from: this.threadsInUse,
      to: chosen,
      measured: probe.measured,
      batchTokens: probe.size,
    };
    this.threadsInUse = chosen;
    this.options.threads.set(chosen); // between decodes: the one that just ended is the last of the probe
    // At the new count the probe's size has its measured speed; other sizes learn theirs again.
    this.references = new Map([[probe.size, probe.measured.find((m) => m.threads === chosen)!.tokensPerSecond]]);
    this.windows.clear();
    this.probe = null;
    this.rechecks.push(recheck);
    this.options.onRecheck?.(recheck);
  }
}
