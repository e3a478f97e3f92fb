import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Llama } from 'node-llama-cpp';
import { workbenchCacheDir } from '../../../llama-builds/llamaCppSource';
import { physicalCoreCount } from '../physicalCores';
import type { ThreadMeasurement } from './threadChoice';
import type { Recheck } from './ThreadGovernor';

/**
 * Thread counts measured at model load, kept per model file, machine and build
 * (`<cache>/thread-choices.json`), so a model is measured once, not at every load. Any of the
 * three changing gives a new key: another file, a CPU or quota change, a new build of the addon.
 * A re-check while the model generates replaces the entry: the next load starts from what the
 * last run found.
 */
export interface CachedThreadChoice {
  threads: number;
  measured: ThreadMeasurement[];
  measuredAt: string;
  /** Tokens per decode `measured` was timed on (a re-check's race); absent: 1, the load-time measurement. */
  batchTokens?: number;
}

/** What a re-check found, as the cache keeps it. */
export function cachedRecheck(recheck: Recheck): CachedThreadChoice {
  return { threads: recheck.to, measured: recheck.measured, measuredAt: recheck.at, batchTokens: recheck.batchTokens };
}

const positiveInteger = (n: unknown) => Number.isInteger(n) && (n as number) > 0;

export interface ThreadKeyParts {
  modelSha256: string;
  llama: Pick<Llama, 'buildType' | 'llamaCppRelease' | 'gpu'>;
}

/** What identifies this machine for a speed measurement: CPU model, cores, the CPUs allowed. */
export function machineIdentity(): string {
  const allowed = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return [os.cpus()[0]?.model ?? 'unknown CPU', `${physicalCoreCount()} cores`, `${allowed} allowed`, os.arch()].join(
    ' / ',
  );
}

export function threadCacheKey(parts: ThreadKeyParts, machine = machineIdentity()): string {
  const build = [parts.llama.buildType, parts.llama.llamaCppRelease.release, String(parts.llama.gpu)].join(' ');
  return createHash('sha256')
    .update(JSON.stringify([parts.modelSha256, machine, build]))
    .digest('hex')
    .slice(0, 24);
}

export class ThreadCache {
  readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(cacheDir = workbenchCacheDir()) {
    this.file = path.join(cacheDir, 'thread-choices.json');
  }

  private async readAll(): Promise<Record<string, CachedThreadChoice>> {
    const text = await readFile(this.file, 'utf8').catch(() => null);
    if (text === null) return {};
    try {
      const parsed = JSON.parse(text) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, CachedThreadChoice>) : {};
    } catch {
      return {}; // Unreadable: measured again and rewritten.
    }
  }

  async get(key: string): Promise<CachedThreadChoice | null> {
    const entry = (await this.readAll())[key];
    const valid =
      entry &&
      positiveInteger(entry.threads) &&
      (entry.batchTokens === undefined || positiveInteger(entry.batchTokens));
    return valid ? entry : null;
  }

  /**
   * Adds or replaces one entry (whole-file rewrite through a temp file: never torn). Writes of
   * this cache run one after the other: two at once (two models' re-checks) would each rewrite
   * the file from what it held before the other.
   */
  set(key: string, choice: CachedThreadChoice): Promise<void> {
    const write = this.writing.then(async () => {
      const all = { ...(await this.readAll()), [key]: choice };
      await mkdir(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(all, null, 2) + '\n');
      await rename(temp, this.file);
    });
    this.writing = write.catch(() => undefined);
    return write;
  }
}
