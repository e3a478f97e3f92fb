import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { workbenchCacheDir } from '../llama-builds/llamaCppSource';

/**
 * sha256 of a model file, computed once and remembered by (absolute path, size, mtime): a run
 * records which exact weights produced it, without re-reading gigabytes each time a model is
 * inspected. Any change of size or modification time makes it compute again.
 */
export interface FingerprintCacheOptions {
  /** JSON file of remembered fingerprints; defaults to <workbench cache>/fingerprints.json. */
  cacheFile?: string;
}

interface Entry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export class FileFingerprints {
  private readonly cacheFile: string;
  private entries: Map<string, Entry> | null = null;
  private readonly inFlight = new Map<string, Promise<string>>();
  /** How many files were actually read (tests use it to prove the cache works). */
  hashedFiles = 0;

  constructor(options: FingerprintCacheOptions = {}) {
    this.cacheFile = options.cacheFile ?? path.join(workbenchCacheDir(), 'fingerprints.json');
  }

  async sha256(file: string): Promise<string> {
    const absolute = path.resolve(file);
    const info = await stat(absolute);
    const entries = await this.load();
    const known = entries.get(absolute);
    if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return known.sha256;
    const key = `${absolute}|${info.size}|${info.mtimeMs}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.compute(absolute, { size: info.size, mtimeMs: info.mtimeMs }).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** The remembered fingerprint if it is still valid, without reading the file. */
  async cached(file: string): Promise<string | null> {
    const absolute = path.resolve(file);
    const info = await stat(absolute).catch(() => null);
    const known = (await this.load()).get(absolute);
    return info && known && known.size === info.size && known.mtimeMs === info.mtimeMs ? known.sha256 : null;
  }

  private async compute(file: string, identity: { size: number; mtimeMs: number }): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
    const sha256 = hash.digest('hex');
    this.hashedFiles += 1;
    const entries = await this.load();
    entries.set(file, { ...identity, sha256 });
    await this.save(entries).catch(() => undefined); // A read-only cache only costs a re-hash later.
    return sha256;
  }

  private async load(): Promise<Map<string, Entry>> {
    if (this.entries) return this.entries;
    const text = await readFile(this.cacheFile, 'utf8').catch(() => null);
    const map = new Map<string, Entry>();
    if (text) {
      try {
        for (const [file, entry] of Object.entries(JSON.parse(text) as Record<string, Entry>)) {
          if (
            typeof entry?.sha256 === 'string' &&
            typeof entry.size === 'number' &&
            typeof entry.mtimeMs === 'number'
          ) {
            map.set(file, entry);
          }
        }
      } catch {
        // A corrupt cache is only a cache: start afresh.
      }
    }
    this.entries = map;
    return map;
  }

  private async save(entries: Map<string, Entry>): Promise<void> {
    // Merge with what other processes wrote meanwhile, then replace the file atomically.
    const onDisk = await readFile(this.cacheFile, 'utf8')
      .then((text) => JSON.parse(text) as Record<string, Entry>)
      .catch(() => ({}) as Record<string, Entry>);
    const merged = { ...onDisk, ...Object.fromEntries(entries) };
    await mkdir(path.dirname(this.cacheFile), { recursive: true });
    const temporary = `${this.cacheFile}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(merged));
    await rename(temporary, this.cacheFile);
  }
}
