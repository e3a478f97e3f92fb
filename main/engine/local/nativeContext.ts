import type { LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';

/**
 * The per-token primitives of node-llama-cpp 3.21's native context, which the engine decodes
 * with directly (docs/models.md, "Where the time goes" §4: node-llama-cpp's own token loop adds
 * locks, a batch scheduler and a generator to every token, ~9% of a decode on the bench model at
 * 2 threads). They are private API of the pinned version, so this file is the only place that
 * touches them and `nativeContextOf` checks their shape once, failing loudly on another version.
 */

/** llama.cpp's context as the addon exposes it (`AddonContext`). */
export interface NativeContext {
  initBatch(size: number): void;
  /** Adds tokens at positions first, first+1, …; returns the batch indexes of the logits asked for. */
  addToBatch(sequenceId: number, firstPosition: number, tokens: Uint32Array, logitIndexes: Uint32Array): Uint32Array;
  decodeBatch(): Promise<void>;
  /**
   * Draws a token from the logits at a batch index: `-1` when nothing could be drawn. With
   * `probabilities` true it resolves `[token, [id, p, id, p, …]]`: the candidates the sampler
   * chain left, softmaxed over them (after its temperature) in float32.
   */
  sampleToken(
    batchLogitIndex: number,
    sampler: NativeSampler,
    probabilities?: boolean,
  ): Promise<number | [number, ...unknown[]]>;
  /** `llama_memory_seq_rm(sequence, start, end)`; end -1 means "to the end". False: not removable. */
  removeTokenCellsFromSequence(sequenceId: number, start: number, end: number): boolean;
}

/** A llama.cpp sampler chain (`AddonSampler`). */
export interface NativeSampler {
  applyConfig(config: Record<string, unknown>): void;
  dispose(): void;
}

export interface SamplerOptions {
  temperature: number;
  topK?: number;
  topP?: number;
  minP?: number;
  seed?: number;
}

interface PrivateContext {
  _ctx?: Partial<NativeContext>;
  _backendContextDisposeGuard?: { createPreventDisposalHandle?: () => { dispose(): void } };
}
interface PrivateModel {
  _model?: unknown;
  _llama?: { _bindings?: { AddonSampler?: new (model: unknown) => NativeSampler } };
}
interface PrivateSequence {
  _sequenceId?: number;
  _resolveSamplerConfig?: (options: SamplerOptions) => Record<string, unknown>;
}

/** A context's native side. */
export interface NativeAccess {
  readonly context: NativeContext;
  /** Keeps the context from being disposed while a batch is in flight (`dispose()` waits). */
  preventDisposal(): { dispose(): void };
  /** Calls `listener` when the context's dispose begins (before it waits for the handles of `preventDisposal`). */
  whenDisposing(listener: () => void): void;
}

/** A sequence's native side. */
export interface NativeSequence {
  readonly id: number;
  /** A sampler configured exactly as node-llama-cpp's own `evaluate` configures it for these options. */
  createSampler(options: SamplerOptions): NativeSampler;
  /** The configuration node-llama-cpp's own `evaluate` applies for these options (for `applyConfig`). */
  samplerConfig(options: SamplerOptions): Record<string, unknown>;
}

const CONTEXT_METHODS = [
  'initBatch',
  'addToBatch',
  'decodeBatch',
  'sampleToken',
  'removeTokenCellsFromSequence',
] as const;

function changed(what: string): Error {
  return new Error(
    `node-llama-cpp changed: ${what} is gone (main/engine/local/nativeContext.ts relies on node-llama-cpp 3.21's internals)`,
  );
}

/** The native side of a context, checked: throws naming what is missing when node-llama-cpp changed. */
export function nativeContextOf(context: LlamaContext): NativeAccess {
  const privateContext = context as unknown as PrivateContext;
  const native = privateContext._ctx;
  if (!native) throw changed('LlamaContext._ctx');
  for (const method of CONTEXT_METHODS) {
    if (typeof native[method] !== 'function') throw changed(`LlamaContext._ctx.${method}`);
  }
  const guard = privateContext._backendContextDisposeGuard;
  const createHandle = guard?.createPreventDisposalHandle;
  if (typeof createHandle !== 'function') throw changed('LlamaContext._backendContextDisposeGuard');
  return {
    context: native as NativeContext,
    preventDisposal: () => createHandle.call(guard),
    whenDisposing: (listener) => void context.onDispose.createListener(listener),
  };
}

/**
 * The model's native detokenizer (special tokens not written), checked like `nativeContextOf`:
 * the text of `tokens`, read while the call runs (a view into a reused array will do).
 */
export function nativeDetokenizerOf(model: LlamaModel): (tokens: Uint32Array) => string {
  const native = (model as unknown as PrivateModel)._model as
    { detokenize?: (tokens: Uint32Array, special: boolean) => string } | undefined;
  const detokenize = native?.detokenize;
  if (typeof detokenize !== 'function') throw changed('LlamaModel._model.detokenize');
  return (tokens) => detokenize.call(native, tokens, false);
}

/** The native side of a sequence of `model`, checked like `nativeContextOf`. */
export function nativeSequenceOf(sequence: LlamaContextSequence, model: LlamaModel): NativeSequence {
  const privateSequence = sequence as unknown as PrivateSequence;
  const id = privateSequence._sequenceId;
  if (typeof id !== 'number') throw changed('LlamaContextSequence._sequenceId');
  const resolveConfig = privateSequence._resolveSamplerConfig;
  if (typeof resolveConfig !== 'function') throw changed('LlamaContextSequence._resolveSamplerConfig');
  const privateModel = model as unknown as PrivateModel;
  const Sampler = privateModel._llama?._bindings?.AddonSampler;
  if (typeof Sampler !== 'function' || privateModel._model === undefined)
    throw changed('the addon sampler (AddonSampler)');
  const samplerConfig = (options: SamplerOptions) => resolveConfig.call(sequence, options);
  return {
    id,
    createSampler: (options) => {
      const sampler = new Sampler(privateModel._model);
      sampler.applyConfig(samplerConfig(options));
      return sampler;
    },
    samplerConfig,
  };
}
