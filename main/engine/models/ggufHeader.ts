import { open, type FileHandle } from 'node:fs/promises';

/**
 * A careful reader of a GGUF header (specification: ggml/docs/gguf.md):
 *   magic "GGUF" · version u32 · tensor count u64 · metadata count u64 ·
 *   metadata (key string, type u32, value) · tensor infos (name, n_dims u32, dims u64[],
 *   ggml type u32, offset u64) · padding to `general.alignment` (32) · tensor data.
 *
 * Every length is checked against the bytes the file really has before it is used, so a
 * truncated or damaged file gives an exact "needs N bytes, has M" instead of garbage values or a
 * multi-gigabyte allocation (node-llama-cpp's reader pads short reads with zeros). Nothing of the
 * tensor data is read: the header says where each tensor lies, and the file size says whether
 * the data is all there.
 */

export type GgufScalar = string | number | boolean;
/** Metadata values; numeric arrays longer than LARGE_ARRAY are kept as their length only. */
export type GgufMetadataValue = GgufScalar | GgufScalar[] | { arrayLength: number; itemType: number };

export interface GgufTensorHeader {
  name: string;
  dims: number[];
  ggmlType: number;
  /** Offset of the tensor's data from the start of the data section. */
  offset: number;
  /** Bytes of data; null for a ggml type this reader does not know. */
  bytes: number | null;
}

export interface GgufHeader {
  version: number;
  metadata: Map<string, GgufMetadataValue>;
  tensors: GgufTensorHeader[];
  alignment: number;
  /** Where the tensor data section starts (after the aligned header). */
  dataOffset: number;
  /** The least file size that holds every tensor's data. */
  requiredBytes: number;
  fileBytes: number;
}

export class GgufFormatError extends Error {
  constructor(
    readonly kind: 'not-gguf' | 'unsupported-gguf-version' | 'truncated-gguf',
    message: string,
    readonly detail: { neededBytes?: number; version?: number; magic?: string } = {},
  ) {
    super(message);
  }
}

export const SUPPORTED_GGUF_VERSIONS = [2, 3];
const LARGE_ARRAY = 4096;
const CHUNK = 1 << 20;

/** [block size in elements, bytes per block] per ggml type id (ggml.h / ggml.c type_traits). */
const GGML_TYPE_SIZES: Record<number, [number, number]> = {
  0: [1, 4],
  1: [1, 2],
  2: [32, 18],
  3: [32, 20],
  6: [32, 22],
  7: [32, 24],
  8: [32, 34],
  9: [32, 36],
  10: [256, 84],
  11: [256, 110],
  12: [256, 144],
  13: [256, 176],
  14: [256, 210],
  15: [256, 292],
  16: [256, 66],
  17: [256, 74],
  18: [256, 98],
  19: [256, 50],
  20: [32, 18],
  21: [256, 110],
  22: [256, 82],
  23: [256, 136],
  24: [1, 1],
  25: [1, 2],
  26: [1, 4],
  27: [1, 8],
  28: [1, 8],
  29: [256, 56],
  30: [1, 2],
  34: [256, 54],
  35: [256, 66],
  39: [32, 17],
  40: [64, 36],
  41: [128, 18],
  42: [64, 18],
};

export function ggmlTensorBytes(ggmlType: number, dims: readonly number[]): number | null {
  const size = GGML_TYPE_SIZES[ggmlType];
  if (!size) return null;
  const [block, blockBytes] = size;
  const rows = dims.slice(1).reduce((product, dim) => product * dim, 1);
  return Math.ceil((dims[0] ?? 1) / block) * blockBytes * rows;
}

/** Reads forward through the file in chunks, refusing to read past its end. */
class BoundedReader {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  position = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly file: string,
  ) {}

  private async ensure(length: number, what: string): Promise<void> {
    if (this.position + length > this.size) {
      throw new GgufFormatError(
        'truncated-gguf',
        `${this.file} is truncated: its header needs at least ${this.position + length} bytes (while reading ${what}), the file has ${this.size}`,
        { neededBytes: this.position + length },
      );
    }
    const end = this.bufferStart + this.buffer.length;
    if (this.position >= this.bufferStart && this.position + length <= end) return;
    const readLength = Math.min(Math.max(length, CHUNK), this.size - this.position);
    const next = Buffer.alloc(readLength);
    const { bytesRead } = await this.handle.read(next, 0, readLength, this.position);
    if (bytesRead < length) {
      throw new GgufFormatError(
        'truncated-gguf',
        `${this.file}: could read only ${bytesRead} of ${length} bytes at offset ${this.position}`,
      );
    }
    this.buffer = next.subarray(0, bytesRead);
    this.bufferStart = this.position;
  }

  private at(): number {
    return this.position - this.bufferStart;
  }

  async u32(what: string): Promise<number> {
    await this.ensure(4, what);
    const value = this.buffer.readUInt32LE(this.at());
    this.position += 4;
    return value;
  }

  async u64(what: string): Promise<number> {
    await this.ensure(8, what);
    const value = this.buffer.readBigUInt64LE(this.at());
    this.position += 8;
    // Lengths and offsets beyond 2^53 cannot describe a real file; the caller's bounds check fails them.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }

  async bytes(length: number, what: string): Promise<Buffer> {
    await this.ensure(length, what);
    const value = this.buffer.subarray(this.at(), this.at() + length);
    this.position += length;
    return value;
  }

  async string(what: string): Promise<string> {
    const length = await this.u64(`the length of ${what}`);
    return (await this.bytes(length, what)).toString('utf8');
  }

  skip(length: number): void {
    this.position += length;
  }
}

const SCALAR_SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

async function readScalar(reader: BoundedReader, type: number, what: string): Promise<GgufScalar> {
  if (type === 8) return reader.string(what);
  const size = SCALAR_SIZES[type];
  if (size === undefined) {
    throw new GgufFormatError(
      'not-gguf',
      `unknown metadata value type ${type} in ${what} at offset ${reader.position}`,
    );
  }
  const raw = await reader.bytes(size, what);
  switch (type) {
    case 0:
      return raw.readUInt8(0);
    case 1:
      return raw.readInt8(0);
    case 2:
      return raw.readUInt16LE(0);
    case 3:
      return raw.readInt16LE(0);
    case 4:
      return raw.readUInt32LE(0);
    case 5:
      return raw.readInt32LE(0);
    case 6:
      return raw.readFloatLE(0);
    case 7:
      return raw.readUInt8(0) !== 0;
    case 10:
      return Number(raw.readBigUInt64LE(0));
    case 11:
      return Number(raw.readBigInt64LE(0));
    default:
      return raw.readDoubleLE(0);
  }
}

async function readValue(reader: BoundedReader, type: number, key: string): Promise<GgufMetadataValue> {
  if (type !== 9) return readScalar(reader, type, `the value of ${key}`);
  const itemType = await reader.u32(`the item type of ${key}`);
  const length = await reader.u64(`the length of ${key}`);
  const itemSize = itemType === 8 ? 8 : SCALAR_SIZES[itemType];
  if (itemSize === undefined) throw new GgufFormatError('not-gguf', `unknown array item type ${itemType} in ${key}`);
  // A cheap lower bound first, so that a damaged length cannot make us loop for hours.
  if (reader.position + length * itemSize > reader.size) {
    throw new GgufFormatError(
      'truncated-gguf',
      `${key} claims ${length} items, which needs more bytes than the file has (${reader.size})`,
      { neededBytes: reader.position + length * itemSize },
    );
  }
  if (itemType !== 8 && length > LARGE_ARRAY) {
    reader.skip(length * itemSize);
    return { arrayLength: length, itemType };
  }
  const items: GgufScalar[] = [];
  for (let i = 0; i < length; i++) items.push(await readScalar(reader, itemType, `${key}[${i}]`));
  return items;
}

function describeMagic(bytes: Buffer): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return `${hex} ("${text}")`;
}

/** Reads and checks the header of a GGUF file; throws GgufFormatError with the numbers. */
export async function readGgufHeader(file: string): Promise<GgufHeader> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(8, size));
    await handle.read(head, 0, head.length, 0);
    if (head.length < 4 || head.subarray(0, 4).toString('latin1') !== 'GGUF') {
      throw new GgufFormatError(
        'not-gguf',
        `${file} is not a GGUF file: it starts with ${head.length ? describeMagic(head.subarray(0, 4)) : 'nothing (it is empty)'}, a GGUF file starts with "GGUF"`,
        { magic: describeMagic(head.subarray(0, 4)) },
      );
    }
    const reader = new BoundedReader(handle, size, file);
    reader.skip(4);
    const version = await reader.u32('the version');
    if (!SUPPORTED_GGUF_VERSIONS.includes(version)) {
      throw new GgufFormatError(
        'unsupported-gguf-version',
        `${file} is GGUF version ${version}; llama.cpp reads versions ${SUPPORTED_GGUF_VERSIONS.join(' and ')}`,
        { version },
      );
    }
    const tensorCount = await reader.u64('the tensor count');
    const metadataCount = await reader.u64('the metadata count');
    // Each entry needs at least 12 bytes (key length + type), each tensor at least 24.
    if (reader.position + metadataCount * 12 + tensorCount * 24 > size) {
      throw new GgufFormatError(
        'truncated-gguf',
        `${file} is truncated or damaged: its header declares ${metadataCount} metadata entries and ${tensorCount} tensors, ` +
          `which needs at least ${reader.position + metadataCount * 12 + tensorCount * 24} bytes; the file has ${size}`,
        { neededBytes: reader.position + metadataCount * 12 + tensorCount * 24 },
      );
    }
    const metadata = new Map<string, GgufMetadataValue>();
    for (let i = 0; i < metadataCount; i++) {
      const key = await reader.string(`metadata key #${i}`);
      const type = await reader.u32(`the type of ${key}`);
      metadata.set(key, await readValue(reader, type, key));
    }
    const alignmentValue = metadata.get('general.alignment');
    const alignment = typeof alignmentValue === 'number' && alignmentValue > 0 ? alignmentValue : 32;
    const tensors: GgufTensorHeader[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = await reader.string(`the name of tensor #${i}`);
      const rank = await reader.u32(`the rank of ${name}`);
      if (rank > 4)
        throw new GgufFormatError('not-gguf', `${file}: tensor ${name} has ${rank} dimensions (at most 4 are allowed)`);
      const dims: number[] = [];
      for (let d = 0; d < rank; d++) dims.push(await reader.u64(`dimension ${d} of ${name}`));
      const ggmlType = await reader.u32(`the type of ${name}`);
      const offset = await reader.u64(`the offset of ${name}`);
      tensors.push({ name, dims, ggmlType, offset, bytes: ggmlTensorBytes(ggmlType, dims) });
    }
    const dataOffset = Math.ceil(reader.position / alignment) * alignment;
    let requiredBytes = dataOffset;
    for (const tensor of tensors) {
      requiredBytes = Math.max(requiredBytes, dataOffset + tensor.offset + (tensor.bytes ?? 0));
    }
    return { version, metadata, tensors, alignment, dataOffset, requiredBytes, fileBytes: size };
  } finally {
    await handle.close();
  }
}
