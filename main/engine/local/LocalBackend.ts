import type { LlamaContext, LlamaModel, Token as LlamaToken } from 'node-llama-cpp';
import type { PromptSettings } from '../../../common/settings/prompt';
import type {
  BackendCapabilities,
  BackendSequence,
  GenerationBackend,
  RenderedPrompt,
  Token,
} from '../backend/GenerationBackend';
import type { LoadedLocalModel } from '../models/LoadedLocalModel';
import { renderLocalPrompt } from './renderPrompt';
import { SequencePool } from '../backend/SequencePool';
import { ContextDecoder } from './ContextDecoder';
import { LocalSequence } from './LocalSequence';
import { nativeContextOf } from './nativeContext';

export interface LocalBackendOptions {
  readonly model: LlamaModel;
  /** Its sequences are the backend's parallel samples; create it with an explicit `threads`. */
  readonly context: LlamaContext;
  /** As the model inspection found them; detected from the vocabulary when not given. */
  readonly thinkDelimiters?: { open: string; close: string } | null;
}

/** The generation backend over node-llama-cpp: token-level, batched sequences of one context. */
export class LocalBackend implements GenerationBackend {
  readonly name = 'llama.cpp';
  readonly capabilities: BackendCapabilities = { exactSeededBranching: true };
  readonly thinkDelimiters: { open: string; close: string } | null;
  private readonly model: LlamaModel;
  private readonly context: LlamaContext;
  private readonly pool: SequencePool<LocalSequence>;
  private readonly decoder: ContextDecoder;

  constructor(options: LocalBackendOptions) {
    this.model = options.model;
    this.context = options.context;
    const decoder = new ContextDecoder(nativeContextOf(options.context), options.context.batchSize);
    this.decoder = decoder;
    this.pool = new SequencePool(
      options.context.totalSequences,
      (giveBack) => new LocalSequence(options.context.getSequence(), options.model, decoder, giveBack),
    );
    this.thinkDelimiters =
      options.thinkDelimiters === undefined ? detectThinkDelimiters(options.model) : options.thinkDelimiters;
  }

  get parallelism(): number {
    return this.pool.size;
  }

  /** Decodes so far and the tokens they held: tokens ÷ decodes is how full batches were. */
  get decodeCounts(): { readonly decodes: number; readonly tokens: number } {
    return { ...this.decoder.counts };
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  async tokenize(text: string): Promise<Token[]> {
    return this.model.tokenize(text, true, 'trimLeadingSpace');
  }

  async detokenize(tokens: readonly Token[], preceding?: readonly Token[]): Promise<string> {
    return this.model.detokenize(tokens as LlamaToken[], false, preceding as LlamaToken[] | undefined);
  }

  async renderPrompt(prompt: PromptSettings, message: string): Promise<RenderedPrompt> {
    return renderLocalPrompt(this.model, prompt, message);
  }

  acquireSequence(signal?: AbortSignal): Promise<BackendSequence> {
    return this.pool.acquire(signal);
  }
}

const backends = new WeakMap<LlamaContext, LocalBackend>();

/** The backend of a loaded model: one per context, so its sequences are shared by every batch. */
export function localBackendFor(loaded: LoadedLocalModel): LocalBackend {
  let backend = backends.get(loaded.context);
  if (!backend) {
    backend = new LocalBackend({
      model: loaded.model,
      context: loaded.context,
      thinkDelimiters: loaded.description.info.thinkDelimiters ?? undefined,
    });
    backends.set(loaded.context, backend);
  }
  return backend;
}

/** `<think>`/`</think>` when the vocabulary has each as a single token (R1-distill, QwQ, Qwen3). */
function detectThinkDelimiters(model: LlamaModel): { open: string; close: string } | null {
  const single = (text: string) => {
    const tokens = model.tokenize(text, true);
    return tokens.length === 1 && model.detokenize(tokens, true) === text;
  };
  return single('<think>') && single('</think>') ? { open: '<think>', close: '</think>' } : null;
}
