import type { StrategyResult } from '../../../common/api/contract/generation';
import type { SamplingSettings } from '../../../common/settings/sampling';
import type { SignalSettings } from '../../../common/settings/signals';
import type { StrategySettings } from '../../../common/settings/strategy';
import type {
  BackendSequence,
  GenerateResult,
  GenerationBackend,
  GenerationEnd,
  PeekedToken,
  Token,
  TokenSignal,
} from '../backend/GenerationBackend';
import { SignalColumns } from './SignalColumns';
import { signalResults } from './signalResults';

/** Phases of a trajectory: what the model generates, and what a strategy inserts. */
export type GeneratedPhase = 'thinking' | 'answer';
export type InsertedPhase = 'hint' | 'wait' | 'cue';
export type Phase = GeneratedPhase | InsertedPhase;
export type StopReason = StrategyResult['stopReason'];

export interface SampleRunOptions {
  readonly sequence: BackendSequence;
  readonly backend: Pick<GenerationBackend, 'tokenize' | 'detokenize'>;
  /** The key of the sample in its batch ("problemId#sampleIndex"). */
  readonly key: string;
  readonly sampleSeed: number;
  readonly sampling: Omit<SamplingSettings, 'seed'>;
  /** The prompt's stop strings: they end generation in every phase. */
  readonly stopStrings: readonly string[];
  /** The end-of-thinking delimiter whose position gives `delimitedThinkingTokens` (null: none). */
  readonly endOfThinking: string | null;
  /** The prompt opens a thinking (ends with `<think>` and whitespace), as Z1's evaluation does. */
  readonly thinkingOpened: boolean;
  /** Milliseconds spent evaluating the prompt (from `BackendSequence.start`). */
  readonly promptMs: number;
  /**
   * Per-token signals of the generated tokens (docs/engine.md, "Token signals"); absent or mode
   * "off": none are computed, unless one `generate` call asks for them.
   */
  readonly signals?: SignalSettings;
  /** DeepConf's online threshold for this trace (the item's `stopBelowConfidence`); absent: none. */
  readonly stopBelowConfidence?: number;
  readonly signal?: AbortSignal;
  /** Live text of the trajectory, labelled with its phase (for `engine.token` events). */
  readonly onText?: (phase: Phase, text: string) => void;
  /** Counts tokens as the model generates them (branches included): the live tokens/s. */
  readonly onGenerated?: (count: number) => void;
}

interface Segment {
  readonly phase: Phase;
  readonly inserted: boolean;
  readonly tokens: Token[];
  /** Inserted text verbatim; for generated segments the live text, one piece per token. */
  readonly pieces: string[];
  /** One per token: its signals (null for inserted tokens, and where none were computed). */
  readonly signals: SignalColumns;
}

/** A point of a trajectory to come back to: a sweep branches the answer off and returns here. */
export interface RunCheckpoint {
  readonly segments: readonly Segment[];
  readonly length: number;
  readonly generateMs: number;
  readonly lastEnd: GenerationEnd | null;
}

export interface Verdict {
  /** Whether the window (or the thinking maximum) cut the thinking, and after how many tokens. */
  readonly cut: boolean;
  readonly cutAt?: number | null;
  /** Defaults to what ended the last generation. */
  readonly stopReason?: StopReason;
  /** Defaults to the tokens the model generated in the thinking phase. */
  readonly phase1Tokens?: number;
  readonly extensions?: number;
  /** Tokens generated and thrown away (trial answers that did not exit); defaults to 0. */
  readonly discardedTokens?: number;
  /** Early exit's probes, in order. */
  readonly probes?: StrategyResult['probes'];
}

/** What one `generate` call asks for. */
export interface GenerateOptions {
  readonly maxTokens: number;
  readonly peekAfterLimit?: boolean;
  readonly stopStrings?: readonly string[];
  /**
   * Signals for this call's tokens: K candidates, or null for none. Absent: as the run's
   * `signals` setting says. (A probe may ask for signals in a run that records none.)
   */
  readonly signals?: { readonly topK: number } | null;
  /**
   * Sees each generated token's signals as the backend hands them out (`onToken`); returning
   * true ends the generation after that token (its end is then 'cancelled', the run is not).
   */
  readonly stopWhen?: (signal: TokenSignal) => boolean;
}

/**
 * One sample's trajectory as a strategy builds it: generate in a phase, insert text, branch.
 * It records everything a StrategyResult reports, so strategy files only say what to do.
 */
export class SampleRun {
  private segments: Segment[] = [];
  private generateMs = 0;
  private lastEnd: GenerationEnd | null = null;
  private readonly promptLength: number;
  private readonly signalRequest: { readonly topK: number } | undefined;

  constructor(private readonly options: SampleRunOptions) {
    this.promptLength = options.sequence.tokens.length;
    const signals = options.signals;
    this.signalRequest = signals && signals.mode !== 'off' ? { topK: signals.topK } : undefined;
  }

  get key(): string {
    return this.options.key;
  }

  /** The item's DeepConf threshold (docs/engine.md, "DeepConf"); null when it has none. */
  get stopBelowConfidence(): number | null {
    return this.options.stopBelowConfidence ?? null;
  }

  /** The run's signal settings (group size included); absent when the request set none. */
  get signalSettings(): SignalSettings | undefined {
    return this.options.signals;
  }

  /** Tokens after the prompt, generated and inserted: what the overall budget counts. */
  get tokensAfterPrompt(): number {
    return this.options.sequence.tokens.length - this.promptLength;
  }

  /** Tokens the model generated in a phase (inserted text not counted). */
  generatedIn(phase: GeneratedPhase): number {
    return this.segments.reduce((sum, s) => sum + (s.phase === phase && !s.inserted ? s.tokens.length : 0), 0);
  }

  get cancelled(): boolean {
    return this.options.signal?.aborted === true;
  }

  /**
   * Lets the model generate at most `maxTokens` tokens in a phase. Consecutive calls in the
   * same phase extend one segment, so a thinking generated in stretches (a sweep) reads as one.
   */
  async generate(phase: GeneratedPhase, request: GenerateOptions): Promise<GenerateResult> {
    if (this.cancelled) return this.finishedWith({ tokens: [], end: 'cancelled', elapsedMs: 0 });
    const segment = this.openSegment(phase);
    const pieces: string[] = [];
    const stop = request.stopWhen ? new AbortController() : null;
    const signal =
      stop && this.options.signal
        ? AbortSignal.any([this.options.signal, stop.signal])
        : (stop?.signal ?? this.options.signal);
    const result = await this.options.sequence.generate({
      maxTokens: Math.max(0, request.maxTokens),
      sampling: this.options.sampling,
      seed: { sampleSeed: this.options.sampleSeed, stream: phase },
      stopStrings: [...this.options.stopStrings, ...(request.stopStrings ?? [])],
      precedingText: segment.pieces.join('').slice(-256),
      peekAfterLimit: request.peekAfterLimit ?? false,
      signal,
      signals: request.signals === undefined ? this.signalRequest : (request.signals ?? undefined),
      onToken: (_token, text, tokenSignal) => {
        pieces.push(text);
        if (text) this.options.onText?.(phase, text);
        if (tokenSignal && request.stopWhen?.(tokenSignal)) stop!.abort();
      },
    });
    segment.tokens.push(...result.tokens);
    // Pieces only locate the delimiter; a backend that streams less leaves them empty.
    segment.pieces.push(...(pieces.length === result.tokens.length ? pieces : result.tokens.map(() => '')));
    segment.signals.pushAll(result.signals, result.tokens.length);
    this.dropEmptyLastSegment();
    this.generateMs += result.elapsedMs;
    this.options.onGenerated?.(result.tokens.length);
    return this.finishedWith(result);
  }

  /** Inserts text the strategy writes (the hint, "Wait", the answer cue); it is evaluated with the next generation. */
  async insert(phase: InsertedPhase, text: string): Promise<number> {
    const tokens = await this.options.backend.tokenize(text);
    this.options.sequence.append(tokens);
    this.segments.push({ phase, inserted: true, tokens: [...tokens], pieces: [text], signals: nullSignals(tokens.length) });
    this.options.onText?.(phase, text);
    return tokens.length;
  }

  /** Keeps a token the model was about to generate (seen with `peekAfterLimit`). */
  accept(phase: GeneratedPhase, next: PeekedToken): void {
    const segment = this.openSegment(phase);
    this.options.sequence.append([next.token]);
    segment.tokens.push(next.token);
    segment.pieces.push(next.text);
    segment.signals.push(next.signal ?? null);
    this.options.onText?.(phase, next.text);
  }

  /** Removes the last `count` generated tokens of the trajectory (e.g. a suppressed delimiter). */
  async retract(count: number): Promise<void> {
    const last = this.segments.at(-1);
    if (count <= 0 || !last || last.inserted || count > last.tokens.length) {
      throw new Error(`cannot retract ${count} tokens from the end of the trajectory`);
    }
    last.tokens.splice(last.tokens.length - count, count);
    last.pieces.splice(last.pieces.length - count, count);
    last.signals.dropLast(count);
    await this.options.sequence.truncate(this.options.sequence.tokens.length - count);
    this.dropEmptyLastSegment();
  }

  /**
   * The signals of the tokens the model generated in the trajectory as it stands, in order
   * (inserted tokens left out; null where none were computed): what a strategy that watches its
   * confidence reads.
   */
  generatedSignals(): Array<TokenSignal | null> {
    return this.segments.flatMap((s) => (s.inserted ? [] : s.signals.toSignals()));
  }

  checkpoint(): RunCheckpoint {
    return {
      segments: this.segments.map(copySegment),
      length: this.options.sequence.tokens.length,
      generateMs: this.generateMs,
      lastEnd: this.lastEnd,
    };
  }

  /**
   * Returns to a checkpoint: the branch taken since is erased from the sequence. `keepTime`: the
   * time spent on it stays in the timings (an erased early-exit probe is the sample's own cost;
   * a sweep's branch belongs to another result).
   */
  async restore(checkpoint: RunCheckpoint, options: { keepTime?: boolean } = {}): Promise<void> {
    await this.options.sequence.truncate(checkpoint.length);
    this.segments = checkpoint.segments.map(copySegment);
    if (!options.keepTime) this.generateMs = checkpoint.generateMs;
    this.lastEnd = checkpoint.lastEnd;
  }

  /** The StrategyResult of the trajectory as it stands, for one strategy's settings. */
  async result(strategy: StrategySettings, verdict: Verdict): Promise<StrategyResult> {
    const texts: string[] = [];
    const preceding: Token[] = [...this.options.sequence.tokens.slice(0, this.promptLength).slice(-16)];
    for (const segment of this.segments) {
      texts.push(
        segment.inserted
          ? segment.pieces.join('')
          : await this.options.backend.detokenize(segment.tokens, preceding.slice(-16)),
      );
      preceding.push(...segment.tokens);
    }
    const text = texts.join('');
    const offsetOf = (index: number) => texts.slice(0, index).reduce((sum, t) => sum + t.length, 0);
    const firstInsert = this.segments.findIndex((s) => s.inserted && (s.phase === 'hint' || s.phase === 'cue'));
    const answerTokens = this.generatedIn('answer');
    const totalTokens = this.segments.reduce((sum, s) => sum + s.tokens.length, 0);
    const generated = this.generatedIn('thinking') + answerTokens;
    const stopReason: StopReason = this.cancelled ? 'cancelled' : (verdict.stopReason ?? stopReasonOf(this.lastEnd));
    return {
      key: this.options.key,
      strategy,
      seed: this.options.sampleSeed,
      segments: this.segments.map((s, i) => ({
        phase: s.phase,
        inserted: s.inserted,
        text: texts[i]!,
        tokens: [...s.tokens],
      })),
      text,
      phase1Tokens: verdict.phase1Tokens ?? this.generatedIn('thinking'),
      delimitedThinkingTokens: this.tokensBeforeDelimiter(),
      answerTokens,
      totalTokens,
      cut: verdict.cut,
      cutAt: verdict.cut ? (verdict.cutAt ?? null) : null,
      hintOffset: firstInsert >= 0 ? offsetOf(firstInsert) : null,
      stopReason,
      extensions: verdict.extensions ?? 0,
      timings: {
        promptMs: this.options.promptMs,
        generateMs: this.generateMs,
        tokensPerSecond: this.generateMs > 0 ? (generated * 1000) / this.generateMs : 0,
      },
      discardedTokens: verdict.discardedTokens ?? 0,
      ...(verdict.probes ? { probes: verdict.probes } : {}),
      ...signalResults(this.segments, this.options.signals),
    };
  }

  /**
   * The delimited thinking: tokens the model generated before its thinking ended, counted where
   * the thinking is delimited (for models with explicit delimiters the tokens before `</think>` are the natural count: docs/engine.md).
   * The thinking ends at the first end-of-thinking delimiter (written by the model, or forced by
   * budget forcing), or, when the prompt opened the thinking, at an inserted hint or answer cue
   * (or at the end of the trajectory). Inserted "Wait"s do not count. Null when the thinking is
   * not delimited.
   */
  private tokensBeforeDelimiter(): number | null {
    const delimiter = this.options.endOfThinking;
    if (!delimiter) return null;
    let before = 0;
    for (const segment of this.segments) {
      const joined = segment.pieces.join('');
      if (segment.inserted) {
        const endsThinking = segment.phase !== 'wait' && (this.options.thinkingOpened || joined.includes(delimiter));
        if (endsThinking) return before;
        continue;
      }
      const at = joined.indexOf(delimiter);
      if (at < 0) {
        before += segment.tokens.length;
        continue;
      }
      let length = 0;
      for (let i = 0; i < segment.pieces.length; i += 1) {
        length += segment.pieces[i]!.length;
        if (length > at) return before + i;
      }
      return before + segment.tokens.length;
    }
    return this.options.thinkingOpened ? before : null;
  }

  /** The segment generated tokens of `phase` go to: the last one if it is of that phase, else a new one. */
  private openSegment(phase: GeneratedPhase): Segment {
    const last = this.segments.at(-1);
    if (last && last.phase === phase && !last.inserted) return last;
    const segment: Segment = { phase, inserted: false, tokens: [], pieces: [], signals: new SignalColumns() };
    this.segments.push(segment);
    return segment;
  }

  private dropEmptyLastSegment(): void {
    const last = this.segments.at(-1);
    if (last && !last.inserted && last.tokens.length === 0) this.segments.pop();
  }

  private finishedWith(result: GenerateResult): GenerateResult {
    this.lastEnd = result.end;
    return result;
  }
}

function copySegment(segment: Segment): Segment {
  return { ...segment, tokens: [...segment.tokens], pieces: [...segment.pieces], signals: segment.signals.copy() };
}

function nullSignals(count: number): SignalColumns {
  const signals = new SignalColumns();
  signals.pushAll(undefined, count);
  return signals;
}

/** How a backend's reason for ending maps onto the stop reason a StrategyResult reports. */
export function stopReasonOf(end: GenerationEnd | null): StopReason {
  switch (end) {
    case 'end-of-generation':
      return 'end-of-generation';
    case 'stop-string':
      return 'stop-string';
    case 'cancelled':
      return 'cancelled';
    case 'max-tokens':
    case 'context-full':
    case null:
      return 'max-tokens';
  }
}
