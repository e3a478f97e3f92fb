import { crc32 } from 'node:zlib';
import type { TokenSignals } from '../../common/api/contract/generation';
import { fromHalf, HALF_NAN, toHalf } from './float16';

export const SIGNALS_FILE = 'signals.bin';

/**
 * One sample's per-token signals as a block of `signals.bin` (docs/store.md, "Signals"). Blocks
 * lie end to end; the sample's row in samples.jsonl says where its block is (`s`: [offset,
 * bytes]), so a block is read alone and the file is never scanned. Little-endian:
 *
 *   0   4  magic "Z1SG"
 *   4   1  block version (1)
 *   5   1  signals per token C (3: logprob, entropy, confidence, in that order)
 *   6   2  top-K the signals were computed over
 *   8   4  tokens N
 *   12  2  key length L (UTF-8 bytes), then the key, then zero padding to an even offset
 *   ..     C arrays of N binary16 values (float16.ts); null (an inserted token) is NaN 0x7E00
 *   end 4  crc32 of every byte of the block before it
 */
const MAGIC = 0x4753315a; // "Z1SG" read as a little-endian u32
const VERSION = 1;
const SIGNAL_NAMES = ['logprob', 'entropy', 'confidence'] as const;
const FIXED = 14;

/** The block of one sample. Arrays must be as long as each other. */
export function encodeSignalBlock(key: string, signals: TokenSignals): Buffer {
  const n = signals.logprob.length;
  for (const name of SIGNAL_NAMES) {
    if (signals[name].length !== n)
      throw new Error(`signals of "${key}": ${name} has ${signals[name].length} values, logprob ${n}`);
  }
  const keyBytes = Buffer.from(key);
  const valuesAt = (FIXED + keyBytes.length + 1) & ~1;
  const block = Buffer.alloc(valuesAt + 2 * n * SIGNAL_NAMES.length + 4);
  block.writeUInt32LE(MAGIC, 0);
  block.writeUInt8(VERSION, 4);
  block.writeUInt8(SIGNAL_NAMES.length, 5);
  block.writeUInt16LE(signals.topK, 6);
  block.writeUInt32LE(n, 8);
  block.writeUInt16LE(keyBytes.length, 12);
  keyBytes.copy(block, FIXED);
  let at = valuesAt;
  for (const name of SIGNAL_NAMES) {
    for (const value of signals[name]) {
      block.writeUInt16LE(value === null ? HALF_NAN : toHalf(value), at);
      at += 2;
    }
  }
  block.writeUInt32LE(crc32(block.subarray(0, at)), at);
  return block;
}

/**
 * Decodes the block of `key` (NaN reads as null) read from `file` at `offset`; throws naming the file, the offset
 * and what is wrong when the bytes are not that sample's intact block.
 */
export function decodeSignalBlock(block: Buffer, where: { file: string; offset: number; key: string }): TokenSignals {
  const fail = (why: string) =>
    new Error(`${where.file}: the signals of "${where.key}" at byte offset ${where.offset} are damaged (${why})`);
  if (block.length < FIXED + 4) throw fail(`${block.length} bytes, shorter than a block`);
  if (block.readUInt32LE(0) !== MAGIC) throw fail('no block starts there');
  const end = block.length - 4;
  if (crc32(block.subarray(0, end)) !== block.readUInt32LE(end)) throw fail('checksum mismatch');
  if (block.readUInt8(4) !== VERSION) throw fail(`block version ${block.readUInt8(4)}, this app reads ${VERSION}`);
  const count = block.readUInt8(5);
  const n = block.readUInt32LE(8);
  const keyLength = block.readUInt16LE(12);
  const valuesAt = (FIXED + keyLength + 1) & ~1;
  if (count !== SIGNAL_NAMES.length || valuesAt + 2 * n * count !== end) throw fail('its sizes do not add up');
  const key = block.toString('utf8', FIXED, FIXED + keyLength);
  if (key !== where.key) throw fail(`it holds the signals of "${key}"`);
  const arrays = SIGNAL_NAMES.map((_, i) => {
    const values = new Array<number | null>(n);
    const from = valuesAt + 2 * n * i;
    for (let j = 0; j < n; j++) {
      const value = fromHalf(block.readUInt16LE(from + 2 * j));
      values[j] = value === value ? value : null;
    }
    return values;
  });
  return { topK: block.readUInt16LE(6), logprob: arrays[0]!, entropy: arrays[1]!, confidence: arrays[2]! };
}
