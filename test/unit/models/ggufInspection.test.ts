import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/messages';
import { inspectGguf } from '../../../main/engine/models/ggufInspection';
import { readGgufHeader } from '../../../main/engine/models/ggufHeader';
import { ggufLayout, tinyLlama, v, writeGguf, writeTruncatedGguf } from './ggufTestFiles';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-gguf-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inspectError(file: string): Promise<ApiError> {
  const error = await inspectGguf(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('inspecting a GGUF file without loading its weights', () => {
  it('reads architecture, size, quantization, context, template, end-of-generation tokens and think delimiters', async () => {
    const file = path.join(dir, 'tiny.gguf');
    const bytes = await writeGguf(file, tinyLlama({ name: 'Tiny Reasoner', contextLength: 4096 }));
    const { info } = await inspectGguf(file);
    expect(info.path).toBe(file);
    expect(info.fileBytes).toBe(bytes);
    expect(info.architecture).toBe('llama');
    expect(info.name).toBe('Tiny Reasoner');
    // 2 × 32×269 (embeddings, output) + 3 × 32 (norms) + 4 × 32×32 (attention) + 3 × 32×64 (FFN)
    expect(info.parameterCount).toBe(2 * 32 * 269 + 3 * 32 + 4 * 32 * 32 + 3 * 32 * 64);
    expect(info.quantization).toBe('F32');
    expect(info.trainedContextSize).toBe(4096);
    expect(info.chatTemplate).toContain('<|im_start|>assistant');
    expect(info.endOfGenerationTokens).toEqual(expect.arrayContaining(['</s>', '<|im_end|>']));
    expect(info.thinkDelimiters).toEqual({ open: '<think>', close: '</think>' });
  });

  it('finds think delimiters in the vocabulary when there is no chat template, and none when neither has them', async () => {
    const withTokens = path.join(dir, 'no-template.gguf');
    await writeGguf(withTokens, tinyLlama({ chatTemplate: null }));
    expect((await inspectGguf(withTokens)).info).toMatchObject({ chatTemplate: null, thinkDelimiters: { open: '<think>' } });

    const plain = tinyLlama({ chatTemplate: '{{ messages[0].content }}' });
    const tokens = plain.metadata['tokenizer.ggml.tokens'] as { value: string[] };
    tokens.value = tokens.value.map((t) => (t === '<think>' ? '<x1>' : t === '</think>' ? '<x2>' : t));
    const without = path.join(dir, 'no-think.gguf');
    await writeGguf(without, plain);
    expect((await inspectGguf(without)).info.thinkDelimiters).toBeNull();
  });

  it('says model-not-found, naming the path, for a missing file or a directory', async () => {
    const missing = path.join(dir, 'nope', 'model.gguf');
    const error = await inspectError(missing);
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain(missing);
    const folder = path.join(dir, 'a-folder.gguf');
    await mkdir(folder);
    expect((await inspectError(folder)).code).toBe('model-not-found');
  });

  it('says not-gguf for a foreign file, showing the bytes it starts with', async () => {
    const png = path.join(dir, 'picture.gguf');
    await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const error = await inspectError(png);
    expect(error.code).toBe('not-gguf');
    expect(error.message).toContain(png);
    expect(error.message).toContain('89 50 4e 47');

    const empty = path.join(dir, 'empty.gguf');
    await writeFile(empty, '');
    const emptyError = await inspectError(empty);
    expect(emptyError.code).toBe('not-gguf');
    expect(emptyError.message).toContain('empty');

    const text = path.join(dir, 'readme.gguf');
    await writeFile(text, 'This is not a model, it is a README.\n');
    expect((await inspectError(text)).code).toBe('not-gguf');
  });

  it('says unsupported-gguf-version for GGUF versions llama.cpp cannot read', async () => {
    for (const version of [1, 4]) {
      const file = path.join(dir, `v${version}.gguf`);
      await writeGguf(file, tinyLlama({ version }));
      const error = await inspectError(file);
      expect(error.code).toBe('unsupported-gguf-version');
      expect(error.message).toContain(`version ${version}`);
    }
  });

  it('says truncated-gguf with the byte counts when the header is cut short', async () => {
    const file = path.join(dir, 'cut-header.gguf');
    await writeTruncatedGguf(file, tinyLlama(), 3000); // inside the vocabulary
    const error = await inspectError(file);
    expect(error.code).toBe('truncated-gguf');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/needs at least \d+ bytes.*the file has 3000/);
  });

  it('says truncated-gguf with the missing amount when the tensor data is cut short', async () => {
    const spec = tinyLlama();
    const { totalBytes } = ggufLayout(spec);
    const file = path.join(dir, 'cut-data.gguf');
    await writeTruncatedGguf(file, spec, totalBytes - 4096);
    const error = await inspectError(file);
    expect(error.code).toBe('truncated-gguf');
    expect(error.message).toContain(`need ${totalBytes} bytes`);
    expect(error.message).toContain(`the file has ${totalBytes - 4096}`);
    expect(error.message).toContain('4.00 KiB are missing');
  });

  it('fails fast on a header whose counts cannot fit in the file (no huge allocation)', async () => {
    const file = path.join(dir, 'lying-counts.gguf');
    const head = Buffer.alloc(24);
    head.write('GGUF', 0, 'latin1');
    head.writeUInt32LE(3, 4);
    head.writeBigUInt64LE(10n ** 12n, 8); // a trillion tensors
    head.writeBigUInt64LE(5n, 16);
    await writeFile(file, head);
    const started = performance.now();
    const error = await inspectError(file);
    expect(error.code).toBe('truncated-gguf');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('says unsupported-architecture, naming it, for an architecture llama.cpp does not know', async () => {
    const file = path.join(dir, 'alien.gguf');
    await writeGguf(file, tinyLlama({ architecture: 'z1-imaginary-arch' }));
    const error = await inspectError(file);
    expect(error.code).toBe('unsupported-architecture');
    expect(error.message).toContain('"z1-imaginary-arch"');
    expect(error.message).toContain(file);

    const none = path.join(dir, 'no-arch.gguf');
    await writeGguf(none, { metadata: { 'general.name': v.string('nameless') }, tensors: [] });
    expect((await inspectError(none)).code).toBe('unsupported-architecture');
  });

  it('reads a header that claims 40 GB of tensors from a sparse file without touching the data', async () => {
    const file = path.join(dir, 'huge.gguf');
    await writeGguf(file, tinyLlama({ widthFactor: 1024 }));
    const header = await readGgufHeader(file);
    expect(header.requiredBytes).toBeGreaterThan(40e9);
    expect(header.fileBytes).toBe(header.requiredBytes);
    expect((await stat(file)).blocks * 512).toBeLessThan(1e6); // sparse: nothing written
  });
});
