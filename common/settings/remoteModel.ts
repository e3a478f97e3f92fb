import { z } from 'zod';
import { parseModelSource } from './modelSource';

/**
 * A model served by an OpenAI-compatible inference server (vLLM, SGLang, llama-server) instead
 * of a local GGUF. A model cell names the server in its `source` ("openai:" + the API's base
 * URL) and says the rest here. The API key is never part of these settings: notebooks and
 * exports are shared, so the key comes from an environment variable or the store's key file
 * (docs/remote.md).
 */

export { OPENAI_SOURCE_PREFIX } from './modelSource';

/** Whether a model source names an OpenAI-compatible server: `openai:http://host:8080/v1`. */
export function isOpenAiSource(source: string): boolean {
  return parseModelSource(source).kind === 'openai';
}

/**
 * Why an `openai:` source is not usable, or null when it is: it must be an http(s) URL, and it
 * must not carry credentials (they would end up in the notebook and every export).
 */
export function openAiSourceProblem(source: string): string | null {
  const parsed = parseModelSource(source);
  if (parsed.kind !== 'openai') return null;
  const rest = parsed.baseUrl;
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    return `"${rest}" is not a URL; write the server's API base, e.g. "openai:http://127.0.0.1:8080/v1"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `the server URL must be http or https, not ${url.protocol}`;
  if (url.username || url.password) {
    return "the server URL must not contain credentials: put the API key in an environment variable (remote.apiKeyEnv) or the store's key file";
  }
  if (url.search || url.hash) return 'the server URL must not have a query or fragment';
  return null;
}

export const remoteModelSettings = z
  .object({
    model: z
      .string()
      .min(1)
      .optional()
      .describe('The model name the server serves (as GET /v1/models lists it); default: the only model it lists.'),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .max(1024)
      .optional()
      .describe(
        "Requests in flight at once, so the server can batch them; default: the server's slot count when it reports one (llama-server), else 8.",
      ),
    tokenizer: z
      .string()
      .min(1)
      .default('server')
      .describe(
        '"server": tokenize through the server (/tokenize, /detokenize, /apply-template); or the path of the model\'s GGUF file, whose vocabulary and chat template are then used locally.',
      ),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable')
      .optional()
      .describe(
        "The environment variable that holds the API key (default Z1WB_REMOTE_API_KEY, else the store's remote-keys.json). Never write the key itself into a notebook.",
      ),
    retries: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(8)
      .describe('Retries of a request on 429, 5xx and dropped connections, with exponential backoff and jitter.'),
    requestTimeoutSeconds: z
      .number()
      .positive()
      .default(300)
      .describe('A request that sends nothing for this long is abandoned and retried.'),
  })
  .strict()
  .describe('Settings of a model on an OpenAI-compatible server (source "openai:<base URL>").');
export type RemoteModelSettings = z.infer<typeof remoteModelSettings>;

/** Provenance of a remote model: enough to tell months later which server and model ran. */
export const remoteServerInfo = z.object({
  /** The API's base URL, never with credentials. */
  url: z.string(),
  /** The model name the server reports (GET /v1/models). */
  model: z.string(),
  /** What the server says it is: 'llama-server', 'vllm', 'sglang', or 'openai-compatible'. */
  server: z.string(),
  /** The server's version or build when it exposes one (llama-server build_info, vLLM /version). */
  version: z.string().nullable(),
  maxInFlight: z.number().int(),
  /** Where token ids come from: the server's /tokenize, or a local GGUF vocabulary. */
  tokenizer: z.string(),
});
export type RemoteServerInfo = z.infer<typeof remoteServerInfo>;
