import type { RemoteServerInfo } from '../../../common/settings/remoteModel';
import type { PromptSettings } from '../../../common/settings/prompt';
import type { StrategySettings } from '../../../common/settings/strategy';
import type {
  BackendCapabilities,
  BackendSequence,
  GenerationBackend,
  RenderedPrompt,
  Token,
} from '../backend/GenerationBackend';
import { tokenSeed } from '../sampling/seeds';
import { planSweeps } from '../sweep/planSweeps';
import { completionEventReader } from './completionEvents';
import type { DrawParameters } from './Continuation';
import type { RetryPolicy } from './retryPolicy';
import { RemoteSequence, type SequenceHost } from './RemoteSequence';
import type { RemoteTokenizer, ServerKind } from './RemoteTokenizer';
import type { ServerClient } from './ServerClient';
import { SequencePool } from '../backend/SequencePool';

export interface RemoteBackendOptions {
  readonly client: ServerClient;
  readonly tokenizer: RemoteTokenizer;
  readonly kind: ServerKind;
  /** The model name sent with every request. */
  readonly model: string;
  readonly maxInFlight: number;
  /** Tokens per request, prompt included (the server's context per slot). */
  readonly contextSize: number;
  readonly thinkDelimiters: { open: string; close: string } | null;
  readonly info: RemoteServerInfo;
}

/** Tokens whose text is remembered for detokenizing (the vocabulary of one model is smaller). */
const MAX_REMEMBERED_TOKENS = 1 << 18;

/**
 * The generation backend over an OpenAI-compatible server (llama-server, vLLM, SGLang): every
 * strategy and sweep of the engine runs over it unchanged. Up to `maxInFlight` sequences
 * generate at once, one streamed request each, so the server can batch them.
 *
 * Seeded sampling is reproducible per request (the seed derives from the sample seed, the
 * phase and the position the request starts at), but not across different splits of a
 * generation: `exactSeededBranching` is false, and sweeps equal independent runs under greedy
 * decoding (docs/remote.md).
 */
export class RemoteBackend implements GenerationBackend {
  readonly name = 'openai-compatible';
  readonly capabilities: BackendCapabilities = { exactSeededBranching: false };
  readonly parallelism: number;
  readonly contextSize: number;
  readonly thinkDelimiters: { open: string; close: string } | null;
  readonly info: RemoteServerInfo;
  private readonly pool: SequencePool<RemoteSequence>;
  private readonly tokenized = new Map<string, Promise<Token[]>>();
  private readonly tokenBytes = new Map<Token, Uint8Array>();
  private readonly host: SequenceHost;
  /**
   * Why samples that asked for token signals have none (the server streamed tokens without the
   * candidates' log-probabilities), once it happened; null otherwise.
   */
  signalsMissing: string | null = null;

  constructor(private readonly options: RemoteBackendOptions) {
    this.parallelism = options.maxInFlight;
    this.contextSize = options.contextSize;
    this.thinkDelimiters = options.thinkDelimiters;
    this.info = options.info;
    this.host = this.sequenceHost();
    this.pool = new SequencePool(options.maxInFlight, (giveBack) => new RemoteSequence(this.host, giveBack));
  }

  /** Hints, "Wait" and cues repeat in every sample: each is tokenized once. */
  tokenize(text: string): Promise<Token[]> {
    let tokens = this.tokenized.get(text);
    if (!tokens) {
      tokens = this.options.tokenizer.tokenize(text, false);
      tokens.catch(() => this.tokenized.delete(text));
      this.tokenized.set(text, tokens);
    }
    return tokens.then((t) => [...t]);
  }

  /**
   * Generated tokens are detokenized from the bytes the server streamed for them (no request);
   * anything else through the tokenizer.
   */
  async detokenize(tokens: readonly Token[], preceding?: readonly Token[]): Promise<string> {
    if (this.options.tokenizer.description === 'server' && tokens.length > 0) {
      const parts: Uint8Array[] = [];
      for (const token of tokens) {
        const bytes = this.tokenBytes.get(token);
        if (!bytes) return this.options.tokenizer.detokenize(tokens, preceding);
        parts.push(bytes);
      }
      return new TextDecoder().decode(Buffer.concat(parts));
    }
    return this.options.tokenizer.detokenize(tokens, preceding);
  }

  renderPrompt(prompt: PromptSettings, message: string): Promise<RenderedPrompt> {
    return this.options.tokenizer.renderPrompt(prompt, message);
  }

  acquireSequence(signal?: AbortSignal): Promise<BackendSequence> {
    return this.acquire(signal, null);
  }

  /**
   * The backend as one batch sees it: when the batch sweeps a window, each sample's phase 1 is
   * asked for in one request up to the largest window, and the answers at every smaller window
   * branch off its tokens.
   */
  forBatch(strategies: readonly StrategySettings[]): GenerationBackend {
    const readAhead = sweepReadAhead(strategies);
    return {
      name: this.name,
      capabilities: this.capabilities,
      parallelism: this.parallelism,
      contextSize: this.contextSize,
      thinkDelimiters: this.thinkDelimiters,
      tokenize: (text) => this.tokenize(text),
      detokenize: (tokens, preceding) => this.detokenize(tokens, preceding),
      renderPrompt: (prompt, message) => this.renderPrompt(prompt, message),
      acquireSequence: (signal) => this.acquire(signal, readAhead),
    };
  }

  /** A free sequence, told how far a sweep's phase 1 reads ahead in one request. */
  private async acquire(signal: AbortSignal | undefined, readAhead: number | null): Promise<RemoteSequence> {
    const sequence = await this.pool.acquire(signal);
    sequence.readAhead = readAhead;
    return sequence;
  }

  async dispose(): Promise<void> {
    await this.options.tokenizer.dispose();
  }

  private sequenceHost(): SequenceHost {
    const { client, kind, model } = this.options;
    const completionsUrl = client.url('/completions');
    return {
      contextSize: this.options.contextSize,
      retry: client.retry as RetryPolicy,
      completionsUrl,
      open: (prompt, maxTokens, draw, signal) =>
        client.stream('/completions', completionBody(kind, model, prompt, maxTokens, draw), signal, completionEventReader(draw.signalsTopK)),
      explain: (error, attempts) => client.explain(error, attempts),
      rememberBytes: (token, bytes) => {
        const known = this.tokenBytes.get(token);
        if (known !== bytes && (known !== undefined || this.tokenBytes.size < MAX_REMEMBERED_TOKENS)) this.tokenBytes.set(token, bytes);
      },
      knownBytes: (token) => this.tokenBytes.get(token),
      noSignals: (topK) => {
        if (this.signalsMissing === null) {
          this.signalsMissing = `${completionsUrl} streamed tokens without the log-probabilities of their ${topK} most likely candidates ("logprobs": ${topK}); their samples have no token signals`;
          console.warn(`remote backend: ${this.signalsMissing}`);
        }
        return null;
      },
    };
  }
}

/**
 * The body of a streamed completion: the prefix as token ids, `max_tokens`, the sampling
 * settings, and the fields that make the server report the token ids it generates. Stop strings
 * are not sent: the workbench matches them on the streamed tokens and closes the stream (a
 * server's `stop` hides the tokens that wrote the stop string, which the engine must keep).
 */
export function completionBody(
  kind: ServerKind,
  model: string,
  prompt: readonly Token[],
  maxTokens: number,
  draw: DrawParameters,
): Record<string, unknown> {
  const { sampling } = draw;
  const body: Record<string, unknown> = {
    model,
    prompt,
    max_tokens: maxTokens,
    temperature: sampling.temperature,
    top_p: sampling.topP,
    // One random stream per request, derived like the local backend's per-token seeds.
    seed: tokenSeed(draw.sampleSeed, draw.stream, prompt.length),
    n: 1,
    stream: true,
    stream_options: { include_usage: true },
    // The drawn token's id comes with its log-probability; signals want the K most likely too.
    logprobs: draw.signalsTopK ?? 1,
  };
  if (kind !== 'openai-compatible') {
    body.top_k = sampling.topK;
    body.min_p = sampling.minP;
  }
  if (kind === 'llama-server') {
    // Reuse the slot's KV cache for the shared prefix (the default, said explicitly).
    body.cache_prompt = true;
  }
  if (kind === 'vllm' || kind === 'sglang') {
    body.return_tokens_as_token_ids = true;
    body.return_token_ids = true;
    body.skip_special_tokens = false;
  }
  return body;
}

/** The largest window a batch sweeps (capped by its overall budget), or null when it sweeps none. */
export function sweepReadAhead(strategies: readonly StrategySettings[]): number | null {
  let largest: number | null = null;
  for (const step of planSweeps(strategies)) {
    if (step.kind !== 'sweep') continue;
    for (const settings of step.settings) largest = Math.max(largest ?? 0, Math.min(settings.window, settings.maxTokens));
  }
  return largest;
}
