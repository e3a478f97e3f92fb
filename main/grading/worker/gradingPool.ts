import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { GradeItem } from '../gradeItem';
import { errorResult, type GradeResult } from '../gradeResult';
import { judgeAnswer, type AnswerGraderSettings } from '../judgeAnswer';

export interface GradingPoolOptions {
  /** Worker threads (default: 2, or 1 on a single core). */
  size?: number;
  /** Heap limit of a worker in MiB; a comparison that exceeds it ends as an `error` outcome. */
  heapMb?: number;
  /** A worker is replaced after this many grades, so that caches inside the CAS cannot grow without end. */
  tasksPerWorker?: number;
}

interface Pending {
  id: number;
  settings: AnswerGraderSettings;
  item: GradeItem;
  timeLimitMs: number;
  resolve: (result: GradeResult) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  tasks: number;
  current: Pending | null;
  timer: NodeJS.Timeout | null;
}

type WorkerEntry = { kind: 'source'; boot: URL; entry: URL } | { kind: 'built'; entry: URL } | null;

/**
 * Where the worker's code is: beside this file as TypeScript (run through tsx by workerBoot.mjs)
 * or, in a bundle, as gradingWorker.js beside the bundle (the build must list
 * main/grading/worker/gradingWorker.ts as an entry). The names are built at run time so that a
 * bundler does not mistake them for assets.
 */
function findWorkerEntry(): WorkerEntry {
  const here = (name: string) => new URL(`./${name}`, import.meta.url);
  const exists = (url: URL) => url.protocol === 'file:' && existsSync(fileURLToPath(url));
  const source = here(['gradingWorker', 'ts'].join('.'));
  const boot = here(['workerBoot', 'mjs'].join('.'));
  if (exists(source) && exists(boot)) return { kind: 'source', boot, entry: source };
  const built = here(['gradingWorker', 'js'].join('.'));
  if (exists(built)) return { kind: 'built', entry: built };
  return null;
}

/**
 * Runs the answer graders in worker threads, so that every comparison has a hard time limit and
 * a memory limit: a Compute Engine call or a user's regular expression can run for ever or
 * exhaust the heap, and synchronous code cannot be interrupted any other way. A worker that
 * passes the limit is terminated and replaced; the grade is an `error` outcome naming the limit.
 */
export class GradingPool {
  readonly size: number;
  private readonly heapMb: number;
  private readonly tasksPerWorker: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private startupFailures = 0;
  private closed = false;
  /** "workers", or "in-process" when no worker can be started (no time limit then). */
  mode: 'workers' | 'in-process';
  private readonly entry: WorkerEntry;

  constructor(options: GradingPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? Math.min(2, os.availableParallelism())));
    this.heapMb = options.heapMb ?? 512;
    this.tasksPerWorker = options.tasksPerWorker ?? 2000;
    this.entry = findWorkerEntry();
    this.mode = this.entry ? 'workers' : 'in-process';
  }

  run(settings: AnswerGraderSettings, item: GradeItem, timeLimitMs: number): Promise<GradeResult> {
    if (this.closed) return Promise.resolve(errorResult('the grading pool is closed'));
    if (this.mode === 'in-process') return Promise.resolve(judgeAnswer(settings, item));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, settings, item, timeLimitMs, resolve });
      this.pump();
    });
  }

  /** Stops every worker; grades still queued end as `error`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.resolve(errorResult('the grading pool was closed'));
    await Promise.all([...this.slots].map((slot) => this.discard(slot, 'the grading pool was closed')));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const idle = [...this.slots].find((slot) => slot.ready && slot.current === null);
      if (idle) {
        this.assign(idle, this.queue.shift()!);
        continue;
      }
      const starting = [...this.slots].filter((slot) => !slot.ready).length;
      if (this.slots.size < this.size && starting < this.queue.length) {
        this.spawn();
        continue;
      }
      return;
    }
  }

  private spawn(): void {
    const entry = this.entry!;
    const resourceLimits = { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 64 };
    const worker =
      entry.kind === 'source'
        ? new Worker(entry.boot, { workerData: { entry: entry.entry.href }, resourceLimits })
        : new Worker(entry.entry, { resourceLimits });
    const slot: Slot = { worker, ready: false, tasks: 0, current: null, timer: null };
    this.slots.add(slot);
    worker.unref();
    worker.on('message', (message: { ready?: true; id?: number; result?: GradeResult }) => {
      if (message.ready) {
        slot.ready = true;
        this.startupFailures = 0;
        this.pump();
        return;
      }
      const pending = slot.current;
      if (!pending || pending.id !== message.id) return;
      this.settle(slot, message.result!);
      slot.tasks++;
      if (slot.tasks >= this.tasksPerWorker) void this.discard(slot, null);
      this.pump();
    });
    const fail = (reason: string) => {
      if (!this.slots.has(slot)) return;
      if (!slot.ready && ++this.startupFailures >= 3) {
        // Workers cannot start here (for example a bundle without the worker entry): grade in-process.
        this.mode = 'in-process';
        for (const pending of this.queue.splice(0)) pending.resolve(judgeAnswer(pending.settings, pending.item));
      }
      void this.discard(slot, reason);
      this.pump();
    };
    worker.on('error', (error: Error & { code?: string }) =>
      fail(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the comparison ran out of memory (heap limit ${this.heapMb} MiB)` : `grading worker failed: ${error.message}`),
    );
    worker.on('exit', (code) => fail(`grading worker exited (code ${code})`));
  }

  private assign(slot: Slot, pending: Pending): void {
    slot.current = pending;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      void this.discard(slot, `the comparison exceeded the ${pending.timeLimitMs} ms time limit`);
      this.pump();
    }, pending.timeLimitMs);
    slot.worker.postMessage({ id: pending.id, settings: pending.settings, item: pending.item });
  }

  private settle(slot: Slot, result: GradeResult): void {
    const pending = slot.current;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.current = null;
    slot.worker.unref();
    pending?.resolve(result);
  }

  /** Removes a worker; a grade it was working on ends as an `error` with the reason given. */
  private async discard(slot: Slot, reason: string | null): Promise<void> {
    if (!this.slots.delete(slot)) return;
    if (slot.current) this.settle(slot, errorResult(reason ?? 'grading worker replaced'));
    await slot.worker.terminate().catch(() => undefined);
  }
}

let shared: GradingPool | null = null;

/** The pool that `grade()` uses unless given another. */
export function sharedGradingPool(): GradingPool {
  shared ??= new GradingPool();
  return shared;
}

export async function closeSharedGradingPool(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}
