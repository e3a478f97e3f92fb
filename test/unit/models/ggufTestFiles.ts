import { open, truncate, writeFile } from 'node:fs/promises';

/**
 * Small GGUF files for the model tests, written byte by byte: valid ones that llama.cpp loads
 * (a 1-block llama with zero weights) and broken ones (truncated, foreign, a header claiming
 * tensors far larger than memory, written as a sparse file that takes no disk space).
 */

type Value =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'strings'; value: string[] }
  | { type: 'f32s'; value: number[] }
  | { type: 'i32s'; value: number[] };

export const v = {
  u32: (value: number): Value => ({ type: 'u32', value }),
  i32: (value: number): Value => ({ type: 'i32', value }),
  f32: (value: number): Value => ({ type: 'f32', value }),
  bool: (value: boolean): Value => ({ type: 'bool', value }),
  string: (value: string): Value => ({ type: 'string', value }),
  strings: (value: string[]): Value => ({ type: 'strings', value }),
  f32s: (value: number[]): Value => ({ type: 'f32s', value }),
  i32s: (value: number[]): Value => ({ type: 'i32s', value }),
};

export interface TestTensor {
  name: string;
  /** ggml order: dims[0] is the contiguous dimension. */
  dims: number[];
  /** 0 = f32, 1 = f16 (data written as zeros unless given). */
  ggmlType?: number;
}

const CODES = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8 } as const;

function str(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(bytes.length));
  return Buffer.concat([length, bytes]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

function scalar(type: 'u32' | 'i32' | 'f32' | 'bool', value: number | boolean): Buffer {
  const b = Buffer.alloc(type === 'bool' ? 1 : 4);
  if (type === 'u32') b.writeUInt32LE(value as number);
  else if (type === 'i32') b.writeInt32LE(value as number);
  else if (type === 'f32') b.writeFloatLE(value as number);
  else b.writeUInt8(value ? 1 : 0);
  return b;
}

function encodeValue(value: Value): Buffer {
  switch (value.type) {
    case 'string':
      return Buffer.concat([u32(CODES.string), str(value.value)]);
    case 'strings':
      return Buffer.concat([u32(9), u32(CODES.string), u64(value.value.length), ...value.value.map(str)]);
    case 'f32s':
      return Buffer.concat([u32(9), u32(CODES.f32), u64(value.value.length), ...value.value.map((x) => scalar('f32', x))]);
    case 'i32s':
      return Buffer.concat([u32(9), u32(CODES.i32), u64(value.value.length), ...value.value.map((x) => scalar('i32', x))]);
    default:
      return Buffer.concat([u32(CODES[value.type]), scalar(value.type, value.value)]);
  }
}

function tensorBytes(t: TestTensor): number {
  return t.dims.reduce((a, b) => a * b, 1) * ((t.ggmlType ?? 0) === 1 ? 2 : 4);
}

export interface GgufLayout {
  header: Buffer;
  /** Total file size including all tensor data. */
  totalBytes: number;
}

/** The header (padded to the alignment) and the size the whole file must have. */
export function ggufLayout(options: { version?: number; metadata: Record<string, Value>; tensors: TestTensor[] }): GgufLayout {
  const parts: Buffer[] = [Buffer.from('GGUF'), u32(options.version ?? 3), u64(options.tensors.length), u64(Object.keys(options.metadata).length)];
  for (const [key, value] of Object.entries(options.metadata)) parts.push(str(key), encodeValue(value));
  let offset = 0;
  for (const t of options.tensors) {
    parts.push(str(t.name), u32(t.dims.length), ...t.dims.map(u64), u32(t.ggmlType ?? 0), u64(offset));
    offset += Math.ceil(tensorBytes(t) / 32) * 32;
  }
  const raw = Buffer.concat(parts);
  const header = Buffer.concat([raw, Buffer.alloc(Math.ceil(raw.length / 32) * 32 - raw.length)]);
  return { header, totalBytes: header.length + offset };
}

/** Writes the header and extends the file with zeros to its full size (sparse: no disk used). */
export async function writeGguf(file: string, options: Parameters<typeof ggufLayout>[0]): Promise<number> {
  const { header, totalBytes } = ggufLayout(options);
  await writeFile(file, header);
  await truncate(file, totalBytes);
  return totalBytes;
}

/** Writes only the first `bytes` bytes of a GGUF (a download cut short). */
export async function writeTruncatedGguf(file: string, options: Parameters<typeof ggufLayout>[0], bytes: number): Promise<void> {
  const { header, totalBytes } = ggufLayout(options);
  const handle = await open(file, 'w');
  await handle.write(header.subarray(0, Math.min(bytes, header.length)));
  await handle.close();
  if (bytes > header.length) await truncate(file, Math.min(bytes, totalBytes));
}

/** A vocabulary that llama.cpp's SPM tokenizer accepts: specials, 256 byte tokens, a few words. */
function vocabulary(): { tokens: string[]; types: number[]; scores: number[] } {
  const tokens = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>', '<think>', '</think>'];
  const types = [2, 3, 3, 3, 3, 4, 4];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  for (const word of ['a', 'b', 'c', 'h', 'i', 'hi']) {
    tokens.push(word);
    types.push(1);
  }
  return { tokens, types, scores: tokens.map((t, i) => (types[i] === 1 ? t.length : 0)) };
}

export interface TinyLlamaOptions {
  architecture?: string;
  contextLength?: number;
  chatTemplate?: string | null;
  name?: string;
  /** Scales every matrix (dims × factor) to make "huge" models; default 1. */
  widthFactor?: number;
  version?: number;
}

/** A 1-block llama with zero weights (~100 KB): loads and evaluates in llama.cpp in milliseconds. */
export function tinyLlama(options: TinyLlamaOptions = {}): Parameters<typeof ggufLayout>[0] {
  const arch = options.architecture ?? 'llama';
  const vocab = vocabulary();
  const n = vocab.tokens.length;
  const embd = 32 * (options.widthFactor ?? 1);
  const ff = 64 * (options.widthFactor ?? 1);
  const heads = 2;
  const headDim = embd / heads;
  const metadata: Record<string, Value> = {
    'general.architecture': v.string(arch),
    'general.name': v.string(options.name ?? 'tiny test llama'),
    'general.file_type': v.u32(0),
    [`${arch}.context_length`]: v.u32(options.contextLength ?? 2048),
    [`${arch}.embedding_length`]: v.u32(embd),
    [`${arch}.block_count`]: v.u32(1),
    [`${arch}.feed_forward_length`]: v.u32(ff),
    [`${arch}.attention.head_count`]: v.u32(heads),
    [`${arch}.attention.head_count_kv`]: v.u32(heads),
    [`${arch}.attention.key_length`]: v.u32(headDim),
    [`${arch}.attention.value_length`]: v.u32(headDim),
    [`${arch}.rope.dimension_count`]: v.u32(headDim),
    [`${arch}.rope.freq_base`]: v.f32(10000),
    [`${arch}.attention.layer_norm_rms_epsilon`]: v.f32(1e-5),
    [`${arch}.vocab_size`]: v.u32(n),
    'tokenizer.ggml.model': v.string('llama'),
    'tokenizer.ggml.tokens': v.strings(vocab.tokens),
    'tokenizer.ggml.scores': v.f32s(vocab.scores),
    'tokenizer.ggml.token_type': v.i32s(vocab.types),
    'tokenizer.ggml.bos_token_id': v.u32(1),
    'tokenizer.ggml.eos_token_id': v.u32(2),
    'tokenizer.ggml.unknown_token_id': v.u32(0),
    'tokenizer.ggml.add_bos_token': v.bool(false),
    'tokenizer.ggml.add_space_prefix': v.bool(false),
  };
  if (options.chatTemplate !== null) {
    metadata['tokenizer.chat_template'] = v.string(
      options.chatTemplate ??
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}" +
          '{% if add_generation_prompt %}<|im_start|>assistant\n<think>\n{% endif %}',
    );
  }
  const block = (name: string, dims: number[]): TestTensor => ({ name: `blk.0.${name}.weight`, dims });
  return {
    version: options.version ?? 3,
    metadata,
    tensors: [
      { name: 'token_embd.weight', dims: [embd, n] },
      { name: 'output_norm.weight', dims: [embd] },
      { name: 'output.weight', dims: [embd, n] },
      block('attn_norm', [embd]),
      block('attn_q', [embd, embd]),
      block('attn_k', [embd, embd]),
      block('attn_v', [embd, embd]),
      block('attn_output', [embd, embd]),
      block('ffn_norm', [embd]),
      block('ffn_gate', [embd, ff]),
      block('ffn_up', [embd, ff]),
      block('ffn_down', [ff, embd]),
    ],
  };
}
