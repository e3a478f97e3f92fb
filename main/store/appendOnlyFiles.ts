import { fsync, writeSync } from 'node:fs';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { syncDirectory } from './atomicWrite';

/**
 * Reading, writing and repairing the append-only files of a run: whole writes, fsync, sizes, the
 * last newline and a torn tail set aside (crash recovery), and checksums of a prefix (the cache).
 */

/** crc32 of a file's first `bytes` bytes, read in chunks, and the last of those bytes. */
export async function crcOfPrefix(file: string, bytes: number): Promise<{ crc: number; lastByte: number }> {
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(Math.min(bytes, 4 << 20));
    let crc = 0;
    let lastByte = -1;
    for (let at = 0; at < bytes;) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, bytes - at), at);
      if (bytesRead === 0) return { crc: -1, lastByte: -1 };
      crc = crc32(chunk.subarray(0, bytesRead), crc);
      lastByte = chunk[bytesRead - 1]!;
      at += bytesRead;
    }
    return { crc, lastByte };
  } finally {
    await handle.close();
  }
}

/** The bytes [from, to) of a file, `to` being its end (empty if it does not exist). */
export async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  if (from === 0) {
    return readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
  }
  return readBytes(file, from, to);
}

/** The bytes [from, to) of a file, fewer if it ends before `to`. */
export async function readBytes(file: string, from: number, to: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.max(0, to - from));
  if (buffer.length === 0) return buffer;
  const handle = await open(file, 'r');
  try {
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, from + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export function writeAll(fd: number, buffer: Buffer): void {
  let written = 0;
  while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
}

export function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

export async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Offset of the last newline of a file (−1 if none), reading backwards in chunks. */
export async function lastNewline(file: string, size: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      await handle.read(chunk, 0, end - start, start);
      const at = chunk.subarray(0, end - start).lastIndexOf(0x0a);
      if (at !== -1) return start + at;
      end = start;
    }
    return -1;
  } finally {
    await handle.close();
  }
}

export async function keepTail(file: string, from: number, to: number, keptAs: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    await handle.read(buffer, 0, buffer.length, from);
    await writeFile(keptAs, buffer);
  } finally {
    await handle.close();
  }
  await syncDirectory(path.dirname(file));
}
