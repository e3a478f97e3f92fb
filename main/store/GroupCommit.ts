import { closeSync, openSync } from 'node:fs';
import { fsyncAsync, writeAll } from './appendOnlyFiles';

/**
 * A run's two append-only files (trajectories, then sample rows) written together and made
 * durable by group commit: one fsync pair at a time, covering every write made before it began,
 * so many samples finishing together share one. After a failed write or fsync every later call
 * fails with that error (the files' state on disk is then left to the next open to recover).
 */
export class GroupCommit {
  private trajectoriesFd: number | null = null;
  private samplesFd: number | null = null;
  private written = 0;
  private synced = 0;
  private syncing: Promise<void> | null = null;
  private waiters: Array<{ upTo: number; resolve: () => void; reject: (error: Error) => void }> = [];
  private error: Error | null = null;

  constructor(
    private readonly trajectoriesPath: string,
    private readonly samplesPath: string,
  ) {}

  /** The error that stopped the files, if any. */
  get failure(): Error | null {
    return this.error;
  }

  /**
   * Appends trajectory lines, then the rows that point at them, and resolves once both are
   * durable. A write that fails sets `failure` and rejects.
   */
  write(trajectories: Buffer, rows: Buffer): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    try {
      this.trajectoriesFd ??= openSync(this.trajectoriesPath, 'a');
      this.samplesFd ??= openSync(this.samplesPath, 'a');
      writeAll(this.trajectoriesFd, trajectories);
      writeAll(this.samplesFd, rows);
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
    if (this.samplesFd !== null) closeSync(this.samplesFd);
    if (this.trajectoriesFd !== null) closeSync(this.trajectoriesFd);
    this.samplesFd = null;
    this.trajectoriesFd = null;
  }

  private durable(upTo: number): Promise<void> {
    if (this.synced >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.startSync();
    });
  }

  private startSync(): void {
    if (this.syncing || this.samplesFd === null || this.trajectoriesFd === null) return;
    const target = this.written;
    const trajectoriesFd = this.trajectoriesFd;
    const samplesFd = this.samplesFd;
    this.syncing = (async () => {
      try {
        // Both at once: should a crash leave a durable record whose trajectory is not, opening
        // the run finds the record pointing past the end of the trajectory file and drops it.
        await Promise.all([fsyncAsync(trajectoriesFd), fsyncAsync(samplesFd)]);
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
