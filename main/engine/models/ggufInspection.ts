import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GgufFileType, GgufInsights, readGgufFileInfo, type Llama } from 'node-llama-cpp';
import type { ModelInfo } from '../../../common/api/contract/generation';
import { GgufFormatError, readGgufHeader, type GgufHeader, type GgufMetadataValue } from './ggufHeader';
import { formatBytes, modelError } from './modelErrors';

/** Everything known about a GGUF file without loading its weights (sha256 is added separately). */
export interface InspectedModel {
  info: Omit<ModelInfo, 'sha256'>;
  header: GgufHeader;
  /** node-llama-cpp's view of the same file: memory estimates, layer count, architecture support. */
  insights: GgufInsights;
}

/**
 * Tokens llama.cpp treats as end of generation by their text, besides the ids the file names
 * (eos/eot/eom): the list of `llama_vocab::impl::load` in src/llama-vocab.cpp.
 */
const END_OF_GENERATION_TEXTS = new Set([
  '<|eot_id|>',
  '<|im_end|>',
  '<|end|>',
  '<|return|>',
  '<|call|>',
  '<|flush|>',
  '<|calls|>',
  '<end_of_turn>',
  '<|endoftext|>',
  '</s>',
  '<|eom_id|>',
  '<EOT>',
  '_<EOT>',
  '[EOT]',
  '[EOS]',
  '<|end_of_text|>',
  '<end_of_utterance>',
  '<eos>',
  '<turn|>',
  '<|tool_response>',
  '<｜end▁of▁sentence｜>',
  '[e~[',
]);

/** Reasoning-model delimiters, most common first (R1-distill, QwQ, Qwen3 use <think>). */
const THINK_DELIMITERS: ReadonlyArray<{ open: string; close: string }> = [
  { open: '<think>', close: '</think>' },
  { open: '<seed:think>', close: '</seed:think>' },
  { open: '◁think▷', close: '◁/think▷' },
  { open: '<|START_THINKING|>', close: '<|END_THINKING|>' },
  { open: '<|begin_of_thought|>', close: '<|end_of_thought|>' },
];

function text(value: GgufMetadataValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function integer(value: GgufMetadataValue | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function quantizationName(fileType: number | null): string | null {
  if (fileType === null) return null;
  const name = (GgufFileType as unknown as Record<number, string | undefined>)[fileType];
  if (!name) return `file type ${fileType}`;
  return name.replace(/^MOSTLY_|^ALL_/, '');
}

function endOfGenerationTokens(metadata: Map<string, GgufMetadataValue>): string[] {
  const tokens = metadata.get('tokenizer.ggml.tokens');
  if (!Array.isArray(tokens)) return [];
  const found = new Set<string>();
  for (const key of ['tokenizer.ggml.eos_token_id', 'tokenizer.ggml.eot_token_id', 'tokenizer.ggml.eom_token_id']) {
    const id = integer(metadata.get(key));
    const token = id === null ? undefined : tokens[id];
    if (typeof token === 'string') found.add(token);
  }
  for (const token of tokens) if (typeof token === 'string' && END_OF_GENERATION_TEXTS.has(token)) found.add(token);
  return [...found];
}

function thinkDelimiters(
  metadata: Map<string, GgufMetadataValue>,
  chatTemplate: string | null,
): { open: string; close: string } | null {
  if (chatTemplate) {
    for (const pair of THINK_DELIMITERS) if (chatTemplate.includes(pair.close)) return pair;
  }
  const tokens = metadata.get('tokenizer.ggml.tokens');
  if (Array.isArray(tokens)) {
    const vocabulary = new Set(tokens.filter((t): t is string => typeof t === 'string'));
    for (const pair of THINK_DELIMITERS) if (vocabulary.has(pair.open) && vocabulary.has(pair.close)) return pair;
  }
  return null;
}

export interface InspectOptions {
  /** The engine's Llama; without it node-llama-cpp uses a slim binding without a backend. */
  llama?: Llama;
}

/**
 * Checks a GGUF file and reads what it says about itself: magic and version, a complete header
 * and tensor data, an architecture this llama.cpp supports. Errors are ApiErrors whose code says
 * what is wrong ('model-not-found', 'not-gguf', 'unsupported-gguf-version', 'truncated-gguf',
 * 'unsupported-architecture') and whose message names the file and the numbers.
 */
export async function inspectGguf(file: string, options: InspectOptions = {}): Promise<InspectedModel> {
  const absolute = path.resolve(file);
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    throw modelError('model-not-found', `no model file at ${absolute} (${error.code ?? error.message})`);
  });
  if (!info.isFile())
    throw modelError(
      'model-not-found',
      `${absolute} is a ${info.isDirectory() ? 'directory' : 'special file'}, not a model file`,
    );

  let header: GgufHeader;
  try {
    header = await readGgufHeader(absolute);
  } catch (error) {
    if (error instanceof GgufFormatError) throw modelError(error.kind, error.message);
    throw modelError(
      'not-gguf',
      `cannot read ${absolute} as GGUF: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (header.requiredBytes > header.fileBytes) {
    const missing = header.requiredBytes - header.fileBytes;
    throw modelError(
      'truncated-gguf',
      `${absolute} is truncated: its tensors need ${header.requiredBytes} bytes (${formatBytes(header.requiredBytes)}), ` +
        `the file has ${header.fileBytes} (${formatBytes(header.fileBytes)}); ${formatBytes(missing)} are missing — was the download interrupted?`,
    );
  }
  const unknownTypes = header.tensors.filter((t) => t.bytes === null);
  if (unknownTypes.length > 0) {
    const first = unknownTypes[0]!;
    throw modelError(
      'not-gguf',
      `${absolute}: tensor ${first.name} has ggml type ${first.ggmlType}, which this llama.cpp does not know (${unknownTypes.length} such tensors)`,
    );
  }

  const metadata = header.metadata;
  const architecture = text(metadata.get('general.architecture'));
  if (!architecture) {
    throw modelError(
      'unsupported-architecture',
      `${absolute} declares no architecture (general.architecture is missing)`,
    );
  }
  const ggufInfo = await readGgufFileInfo(absolute, { logWarnings: false, sourceType: 'filesystem' });
  const insights = await GgufInsights.from(ggufInfo, options.llama);
  if (!insights.isSupportedByLlamaCpp) {
    const release = options.llama ? ` (release ${options.llama.llamaCppRelease.release})` : '';
    throw modelError(
      'unsupported-architecture',
      `${absolute} has architecture "${architecture}", which this llama.cpp${release} cannot run`,
    );
  }

  const chatTemplate = text(metadata.get('tokenizer.chat_template'));
  const parameterCount = header.tensors.reduce((sum, t) => sum + t.dims.reduce((p, d) => p * d, 1), 0);
  return {
    header,
    insights,
    info: {
      path: absolute,
      fileBytes: header.fileBytes,
      architecture,
      name: text(metadata.get('general.name')),
      parameterCount: parameterCount > 0 ? parameterCount : null,
      quantization: quantizationName(integer(metadata.get('general.file_type'))),
      trainedContextSize: integer(metadata.get(`${architecture}.context_length`)),
      chatTemplate,
      endOfGenerationTokens: endOfGenerationTokens(metadata),
      thinkDelimiters: thinkDelimiters(metadata, chatTemplate),
    },
  };
}
