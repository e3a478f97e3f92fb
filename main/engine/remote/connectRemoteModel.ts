import { createHash } from 'node:crypto';
import type { LlamaModel } from 'node-llama-cpp';
import type { LoadedModel } from '../../../common/api/contract/generation';
import type { ModelSettings } from '../../../common/settings/model';
import { remoteModelSettings, type RemoteServerInfo } from '../../../common/settings/remoteModel';
import { resolveApiKey } from './apiKey';
import { GgufTokenizer } from './GgufTokenizer';
import { RemoteBackend } from './RemoteBackend';
import type { HttpTransport } from './httpTransport';
import { remoteError } from './remoteErrors';
import type { RemoteTokenizer, ServerKind } from './RemoteTokenizer';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy';
import { parseServerAddress } from './serverAddress';
import { ServerClient } from './ServerClient';
import { llamaServerProps, modelList, serverVersion, type ModelList } from './serverResponses';
import { ServerTokenizer } from './ServerTokenizer';

export interface ConnectOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The store's key file (remote-keys.json). */
  readonly keysFile?: string;
  /** Loads a GGUF's vocabulary without weights, for `remote.tokenizer: "<path>"`. */
  readonly loadVocabulary?: (path: string) => Promise<LlamaModel>;
  /** Wraps the default transport in tests that count or break requests. */
  readonly transport?: HttpTransport;
  /** Overrides the waits between retries (tests); the count comes from the settings. */
  readonly retryDelays?: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
}

export interface ConnectedRemoteModel {
  readonly backend: RemoteBackend;
  readonly description: LoadedModel;
}

/** When the server does not say how many requests it serves at once. */
const DEFAULT_MAX_IN_FLIGHT = 8;
/** Connecting is interactive: a wrong URL should fail within a few seconds, not after minutes of retries. */
const CONNECT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 250, maxDelayMs: 1000 };

/**
 * Connects a model cell to its server: checks that something OpenAI-compatible answers, that the
 * key is accepted and the model is served; reads what the server says about itself (kind,
 * version, context per request, slots) for provenance and limits; sets up the tokenizer.
 */
export async function connectRemoteModel(
  modelId: string,
  settings: ModelSettings,
  options: ConnectOptions = {},
): Promise<ConnectedRemoteModel> {
  const address = parseServerAddress(settings.source);
  const remote = settings.remote ?? remoteModelSettings.parse({});
  const apiKey = await resolveApiKey(address, remote, options);
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retryDelays, retries: remote.retries };
  const client = new ServerClient({
    address,
    apiKey: apiKey.key,
    apiKeySource: apiKey.source,
    retry,
    idleTimeoutMs: remote.requestTimeoutSeconds * 1000,
    ...(options.transport ? { transport: options.transport } : {}),
  });
  const connectRetry = { ...CONNECT_RETRY, retries: Math.min(CONNECT_RETRY.retries, remote.retries) };

  const models = await client.json('/models', modelList, { retry: connectRetry });
  const kind = serverKindOf(models);
  const entry = chooseModel(models, remote.model, address.baseUrl);
  const props = kind === 'llama-server' ? await client.json('/props', llamaServerProps, { root: true, retry: connectRetry }) : null;
  const version = props?.build_info ?? (await versionOf(client, kind, connectRetry));

  const contextSize = props?.default_generation_settings?.n_ctx ?? entry.meta?.n_ctx ?? entry.max_model_len ?? settings.contextSize;
  const maxInFlight = remote.maxInFlight ?? props?.total_slots ?? DEFAULT_MAX_IN_FLIGHT;
  const tokenizer: RemoteTokenizer =
    remote.tokenizer === 'server'
      ? new ServerTokenizer(client, kind, entry.id, props?.bos_token ?? null)
      : new GgufTokenizer(await loadVocabulary(remote.tokenizer, options), remote.tokenizer);
  // Also the first request that needs the key on every server (llama-server leaves /health open).
  const thinkDelimiters = await detectThinkDelimiters(tokenizer);

  const info: RemoteServerInfo = {
    url: address.baseUrl,
    model: entry.id,
    server: kind,
    version,
    maxInFlight,
    tokenizer: tokenizer.description,
  };
  const backend = new RemoteBackend({ client, tokenizer, kind, model: entry.id, maxInFlight, contextSize, thinkDelimiters, info });
  const description: LoadedModel = {
    modelId,
    info: {
      path: address.baseUrl,
      fileBytes: 0,
      // Not a file hash: the identity of what generates (server, model, version), for cache keys.
      sha256: createHash('sha256').update(`remote\0${address.baseUrl}\0${entry.id}\0${version ?? ''}`).digest('hex'),
      architecture: 'remote',
      name: entry.id,
      parameterCount: entry.meta?.n_params ?? null,
      quantization: entry.meta?.ftype ?? null,
      trainedContextSize: entry.meta?.n_ctx_train ?? entry.max_model_len ?? null,
      chatTemplate: props?.chat_template ?? null,
      endOfGenerationTokens: props?.eos_token ? [props.eos_token] : [],
      thinkDelimiters,
    },
    // The fields below describe a local llama.cpp context; for a server, `remote` says what runs.
    backend: 'cpu',
    gpuLayersOffloaded: 0,
    totalLayers: 0,
    contextSize,
    threads: 0,
    parallel: maxInFlight,
    estimatedBytes: { ram: 0, vram: 0 },
    remote: info,
  };
  return { backend, description };
}

/** What the server is, from who "owns" its models (each server writes its own name there). */
export function serverKindOf(models: ModelList): ServerKind {
  const owner = models.data[0]?.owned_by?.toLowerCase() ?? '';
  if (owner === 'llamacpp' || owner === 'llama.cpp') return 'llama-server';
  if (owner === 'vllm') return 'vllm';
  if (owner === 'sglang') return 'sglang';
  return 'openai-compatible';
}

function chooseModel(models: ModelList, wanted: string | undefined, url: string): ModelList['data'][number] {
  const names = models.data.map((m) => m.id);
  if (wanted === undefined) {
    if (models.data.length === 1) return models.data[0]!;
    throw remoteError(
      'remote-model-not-found',
      models.data.length === 0
        ? `the server at ${url} lists no models`
        : `the server at ${url} serves ${names.map((n) => `"${n}"`).join(', ')}: say which in "remote": { "model": … }`,
    );
  }
  const found = models.data.find((m) => m.id === wanted || m.aliases?.includes(wanted));
  if (!found) {
    throw remoteError(
      'remote-model-not-found',
      `the server at ${url} does not serve a model "${wanted}" (it serves ${names.map((n) => `"${n}"`).join(', ') || 'none'})`,
    );
  }
  return found;
}

/** vLLM's and SGLang's version endpoints; null when the server exposes none. */
async function versionOf(client: ServerClient, kind: ServerKind, retry: RetryPolicy): Promise<string | null> {
  const path = kind === 'vllm' ? '/version' : kind === 'sglang' ? '/get_server_info' : null;
  if (path === null) return null;
  try {
    return (await client.json(path, serverVersion, { root: true, retry })).version;
  } catch {
    return null;
  }
}

/** `<think>`/`</think>` when each is a single token of the vocabulary (R1-distill, QwQ, Qwen3). */
async function detectThinkDelimiters(tokenizer: RemoteTokenizer): Promise<{ open: string; close: string } | null> {
  const single = async (text: string) => {
    const tokens = await tokenizer.tokenize(text, false);
    return tokens.length === 1 && (await tokenizer.detokenize(tokens)) === text;
  };
  return (await single('<think>')) && (await single('</think>')) ? { open: '<think>', close: '</think>' } : null;
}

async function loadVocabulary(path: string, options: ConnectOptions): Promise<LlamaModel> {
  if (options.loadVocabulary) return options.loadVocabulary(path);
  const { getWorkbenchLlama } = await import('../hardware/workbenchLlama');
  const llama = await getWorkbenchLlama();
  try {
    return await llama.loadModel({ modelPath: path, vocabOnly: true });
  } catch (error) {
    throw remoteError(
      'remote-settings',
      `remote.tokenizer: cannot read the vocabulary of ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
