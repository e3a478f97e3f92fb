import { closeSync, openSync } from 'node:fs';
import { fsyncAsync, writeAll } from './appendOnlyFiles';

/**
 * A run's append-only files (trajectories, per-token signals, then the sample rows that point
 * into them) written together and made durable by group commit: one round of fsyncs at a time,
 * covering every write made before it began, so many samples finishing together share one. A
 * file is opened (and so created) only when something is first written to it: a run that
 * records no signals has no signals file. After a failed write or fsync every later call fails
 * with that error (the files' state on disk is then left to the next open to recover).
 */
export class GroupCommit {
  private readonly fds: Array<number | null>;
  private written = 0;
  private synced = 0;
  private syncing: Promise<void> | null = null;
  private waiters: Array<{ upTo: number; resolve: () => void; reject: (error: Error) => void }> = [];
  private error: Error | null = null;

  /** `paths` in write order: the last is the commit marker (the rows), written after the others. */
  constructor(private readonly paths: readonly string[]) {
    this.fds = paths.map(() => null);
  }

  /** The error that stopped the files, if any. */
  get failure(): Error | null {
    return this.error;
  }

  /**
   * Appends one buffer per file, in the files' order (an empty one writes nothing), and resolves
   * once all are durable. A write that fails sets `failure` and rejects.
   */
  write(buffers: readonly Buffer[]): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    try {
      buffers.forEach((buffer, i) => {
        if (buffer.length === 0) return;
        const fd = (this.fds[i] ??= openSync(this.paths[i]!, 'a'));
        writeAll(fd, buffer);
      });
    } catch (error) {
      this.error = error as Error;
      return Promise.reject(this.error);
    }
    this.written++;
    return this.durable(this.written);
  }

  /** Resolves when everything written so far is durable. */
  flush(): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    return this.durable(this.written);
  }

  close(): void {
    for (let i = this.fds.length - 1; i >= 0; i--) {
      const fd = this.fds[i];
      if (fd !== null && fd !== undefined) closeSync(fd);
      this.fds[i] = null;
    }
  }

  private durable(upTo: number): Promise<void> {
    if (this.synced >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.startSync();
    });
  }

  private startSync(): void {
    if (this.syncing) return;
    const target = this.written;
    const fds = this.fds.filter((fd): fd is number => fd !== null);
    this.syncing = (async () => {
      try {
        // All at once: should a crash leave a durable row whose trajectory or signals are not,
        // opening the run finds the row pointing past the end of that file and drops it.
        await Promise.all(fds.map(fsyncAsync));
        this.synced = Math.max(this.synced, target);
        const ready = this.waiters.filter((w) => w.upTo <= this.synced);
        this.waiters = this.waiters.filter((w) => w.upTo > this.synced);
        for (const w of ready) w.resolve();
      } catch (error) {
        this.error = error as Error;
        for (const w of this.waiters) w.reject(this.error);
        this.waiters = [];
      } finally {
        this.syncing = null;
        if (this.waiters.length > 0) this.startSync();
      }
    })();
  }
}
