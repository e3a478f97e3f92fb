import { z } from 'zod';
import { remoteError } from './remoteErrors';
import { formatIssue } from '../../../common/api/validate';
import { CandidateSignal } from './CandidateSignal';

/**
 * The parts of OpenAI-compatible servers' answers the remote backend reads, as zod schemas.
 * Objects are loose (servers add fields freely); only what is read is checked, so a server that
 * answers something else fails with the name of the field, not with an `undefined` later on.
 */

/** GET /v1/models. llama-server adds `meta` (n_ctx, n_params…) and `aliases`; vLLM adds `max_model_len`. */
export const modelList = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string(),
      owned_by: z.string().optional(),
      aliases: z.array(z.string()).optional(),
      max_model_len: z.number().int().optional(),
      meta: z
        .looseObject({
          n_ctx: z.number().int().optional(),
          n_ctx_train: z.number().int().optional(),
          n_params: z.number().optional(),
          ftype: z.string().optional(),
        })
        .nullish(),
    }),
  ),
});
export type ModelList = z.infer<typeof modelList>;

/** llama-server's GET /props. */
export const llamaServerProps = z.looseObject({
  total_slots: z.number().int().optional(),
  build_info: z.string().optional(),
  bos_token: z.string().optional(),
  eos_token: z.string().optional(),
  chat_template: z.string().optional(),
  default_generation_settings: z.looseObject({ n_ctx: z.number().int().optional() }).optional(),
});

/** vLLM's GET /version. */
export const serverVersion = z.looseObject({ version: z.string() });

/** llama-server's and vLLM's POST /tokenize (llama-server may return pieces with the ids). */
export const tokenizeResult = z.looseObject({
  tokens: z.array(z.union([z.number().int(), z.looseObject({ id: z.number().int() })])),
});

/** POST /detokenize: llama-server answers `content`, vLLM `prompt`. */
export const detokenizeResult = z.union([
  z.looseObject({ content: z.string() }),
  z.looseObject({ prompt: z.string() }),
]);

/** llama-server's POST /apply-template: the chat rendered by the model's template. */
export const appliedTemplate = z.looseObject({ prompt: z.string() });

/**
 * One candidate of llama-server's `top_logprobs`: its id and log-probability over the whole
 * vocabulary, before any sampler (llama-server's default; `post_sampling_probs` is not sent).
 */
const candidateLogprob = z.looseObject({
  id: z.number().int(),
  logprob: z.number(),
});

/** One generated token as llama-server reports it in `logprobs.content`. */
const contentLogprob = z.looseObject({
  id: z.number().int(),
  token: z.string().optional(),
  bytes: z.array(z.number().int().min(0).max(255)).nullish(),
  /**
   * The `logprobs` (n_probs) most likely candidates, most likely first; their CandidateSignal
   * when the event reader read them (completionEvents.ts).
   */
  top_logprobs: z.union([z.array(candidateLogprob), z.instanceof(CandidateSignal)]).nullish(),
});

/**
 * A chunk's `logprobs`: llama-server fills `content` (ids and bytes); the legacy completions
 * format (vLLM, SGLang) fills `tokens`, which read "token_id:123" with
 * `return_tokens_as_token_ids`, and `top_logprobs`: per token, candidate → log-probability,
 * keyed the same way (vLLM adds the drawn token to the K most likely, so K or K + 1 entries).
 */
const streamedLogprobs = z.looseObject({
  content: z.array(contentLogprob).nullish(),
  tokens: z.array(z.string()).nullish(),
  text_offset: z.array(z.number().int()).nullish(),
  top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullish(),
});

export const completionUsage = z.looseObject({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
});
export type CompletionUsage = z.infer<typeof completionUsage>;

/** One server-sent event of a streamed POST /v1/completions. */
export const completionChunk = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().optional(),
        text: z.string().nullish(),
        finish_reason: z.string().nullish(),
        logprobs: streamedLogprobs.nullish(),
        /** vLLM ≥ 0.10.2 with `return_token_ids`. */
        token_ids: z.array(z.number().int()).nullish(),
      }),
    )
    .default([]),
  usage: completionUsage.nullish(),
});
export type CompletionChunk = z.infer<typeof completionChunk>;

/**
 * One streamed event as the client reads it: `completionChunk` checked field by field without
 * copying (tens of thousands arrive per second; zod's parse copied every object of every one).
 * What it does not accept goes through the schema, which names the field that is wrong.
 */
export function readCompletionChunk(value: unknown, url: string): CompletionChunk {
  if (isRecord(value)) {
    const { choices, usage } = value;
    if ((usage === undefined || usage === null || isUsage(usage)) && (choices === undefined || isChoices(choices))) {
      return (choices === undefined ? { ...value, choices: [] } : value) as CompletionChunk;
    }
  }
  return parseServerJson(completionChunk, value, url);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isAbsent = (value: unknown) => value === undefined || value === null;
const isOptionalString = (value: unknown) => isAbsent(value) || typeof value === 'string';
const isUsage = (value: unknown) =>
  isRecord(value) && Number.isInteger(value.prompt_tokens) && Number.isInteger(value.completion_tokens);

/*
 * An indexed loop, not for…of: isArrayOf runs several times per streamed token with different
 * `item`s, V8 does not inline it, and each for…of made an array iterator object (a sixth of the
 * remote client's allocations with token signals; docs/remote.md, "How fast the client ingests").
 */
function isArrayOf(value: unknown, item: (v: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!item(value[i])) return false;
  return true;
}

const isByte = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255;
const isCandidate = (v: unknown) => isRecord(v) && Number.isInteger(v.id) && typeof v.logprob === 'number';
const isContentEntry = (v: unknown) =>
  isRecord(v) &&
  Number.isInteger(v.id) &&
  (v.token === undefined || typeof v.token === 'string') &&
  (isAbsent(v.bytes) || isArrayOf(v.bytes, isByte)) &&
  (isAbsent(v.top_logprobs) || v.top_logprobs instanceof CandidateSignal || isArrayOf(v.top_logprobs, isCandidate));
const isKeyedCandidates = (v: unknown) => {
  if (v === null) return true;
  if (!isRecord(v)) return false;
  for (const key in v) if (typeof v[key] !== 'number') return false;
  return true;
};
const isLogprobs = (v: unknown) =>
  isAbsent(v) ||
  (isRecord(v) &&
    (isAbsent(v.content) || isArrayOf(v.content, isContentEntry)) &&
    (isAbsent(v.tokens) || isArrayOf(v.tokens, (t) => typeof t === 'string')) &&
    (isAbsent(v.text_offset) || isArrayOf(v.text_offset, Number.isInteger)) &&
    (isAbsent(v.top_logprobs) || isArrayOf(v.top_logprobs, isKeyedCandidates)));
const isChoice = (v: unknown) =>
  isRecord(v) &&
  (v.index === undefined || Number.isInteger(v.index)) &&
  isOptionalString(v.text) &&
  isOptionalString(v.finish_reason) &&
  isLogprobs(v.logprobs) &&
  (isAbsent(v.token_ids) || isArrayOf(v.token_ids, Number.isInteger));
const isChoices = (v: unknown) => isArrayOf(v, isChoice);

/** The error bodies servers send: OpenAI/llama-server `{error: {message}}`, vLLM `{message}`, FastAPI `{detail}`. */
export function errorMessageOf(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as Record<string, unknown>).message === 'string') {
    return (error as Record<string, string>).message!;
  }
  if (typeof record.message === 'string') return record.message;
  if (typeof record.detail === 'string') return record.detail;
  return null;
}

/** Parses a server's JSON answer; a mismatch names the endpoint and the field. */
export function parseServerJson<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw remoteError(
    'remote-bad-response',
    `${what} answered something an OpenAI-compatible server would not: ${formatIssue('', parsed.error.issues[0]!)}`,
  );
}
