import { randomBytes } from 'node:crypto';
import type { EventData, EventName } from '../../common/api/contract';
import type { RunRecord } from '../../common/api/contract/runs';
import { ApiError } from '../../common/api/messages';

export interface JobOutcome {
  jobId: string;
  cellId: string;
  state: 'complete' | 'stopped' | 'failed';
  error: string | null;
  runs: RunRecord[];
}

export interface Job {
  id: string;
  cellId: string;
  runIds: string[];
  done: number;
  total: number;
  doneAtStart: number;
  /**
   * When the job stored its first sample, and the count then: the rate (and the ETA) is measured
   * from there, so loading the model and reading the dataset never inflate the ETA.
   */
  rateFrom: { at: number; done: number } | null;
  tokensPerSecond: number;
  cancelled: boolean;
  batchId: string | null;
  lastProgress: number;
  lastCheckpoint: number;
  outcome: Promise<JobOutcome>;
}

export interface JobsOptions {
  emit: <E extends EventName>(event: E, data: EventData<E>) => void;
  /** Stops an engine batch of a cancelled job. */
  cancelBatch: (batchId: string) => void;
  /** Least time between two progress events of a job (default 200 ms). */
  progressMs?: number;
}

/**
 * The lifecycle of the runner's jobs: registering one with the runs it writes (a run is written
 * by one job at a time), cancelling, waiting (also after the fact, for the newest 100), and the
 * progress and state events with the ETA measured from the first stored sample.
 */
export class Jobs {
  private readonly running = new Map<string, Job>();
  private readonly finished = new Map<string, JobOutcome>();
  private readonly busy = new Set<string>();

  constructor(private readonly options: JobsOptions) {}

  /** The runs some job is writing. */
  get busyRuns(): ReadonlySet<string> {
    return this.busy;
  }

  /** Registers a job writing `writes`, runs it, and keeps its outcome for `wait`. */
  start(
    cellId: string,
    runIds: string[],
    total: number,
    writes: readonly string[],
    run: (job: Job) => Promise<JobOutcome>,
  ): Job {
    const job: Job = {
      id: `job-${randomBytes(5).toString('hex')}`,
      cellId,
      runIds,
      done: 0,
      total,
      doneAtStart: 0,
      rateFrom: null,
      tokensPerSecond: 0,
      cancelled: false,
      batchId: null,
      lastProgress: 0,
      lastCheckpoint: performance.now(),
      outcome: Promise.resolve(null as never),
    };
    for (const id of writes) this.busy.add(id);
    this.running.set(job.id, job);
    this.emitState(job, 'running', null);
    job.outcome = run(job).then((outcome) => {
      this.finished.set(job.id, outcome);
      if (this.finished.size > 100) this.finished.delete(this.finished.keys().next().value!);
      return outcome;
    });
    void job.outcome
      .finally(() => {
        for (const id of writes) this.busy.delete(id);
        this.running.delete(job.id);
      })
      .catch(() => undefined);
    job.outcome.catch(() => undefined);
    return job;
  }

  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    if (!job) return false;
    job.cancelled = true;
    if (job.batchId) this.options.cancelBatch(job.batchId);
    return true;
  }

  wait(jobId: string): Promise<JobOutcome> {
    const job = this.running.get(jobId);
    if (job) return job.outcome;
    const outcome = this.finished.get(jobId);
    if (!outcome) throw new ApiError('unknown-job', `no job "${jobId}"`);
    return Promise.resolve(outcome);
  }

  active(): Array<{ jobId: string; cellId: string; runIds: string[]; done: number; total: number }> {
    return [...this.running.values()].map((j) => ({
      jobId: j.id,
      cellId: j.cellId,
      runIds: j.runIds,
      done: j.done,
      total: j.total,
    }));
  }

  /** Cancels every job and waits for their outcomes. */
  async cancelAll(): Promise<void> {
    const jobs = [...this.running.values()];
    for (const job of jobs) this.cancel(job.id);
    await Promise.all(jobs.map((j) => j.outcome.catch(() => undefined)));
  }

  emitProgress(job: Job, force: boolean): void {
    const now = performance.now();
    if (!force && now - job.lastProgress < (this.options.progressMs ?? 200)) return;
    job.lastProgress = now;
    if (!job.rateFrom && job.done > job.doneAtStart) job.rateFrom = { at: now, done: job.done };
    const seconds = job.rateFrom ? (now - job.rateFrom.at) / 1000 : 0;
    const rate = seconds > 0 ? (job.done - job.rateFrom!.done) / seconds : 0;
    this.options.emit('run.progress', {
      jobId: job.id,
      cellId: job.cellId,
      runIds: job.runIds,
      done: job.done,
      total: job.total,
      tokensPerSecond: job.tokensPerSecond,
      etaSeconds: rate > 0 ? (job.total - job.done) / rate : null,
    });
  }

  emitState(job: Job, state: EventData<'run.state'>['state'], error: string | null): void {
    this.options.emit('run.state', { jobId: job.id, cellId: job.cellId, runIds: job.runIds, state, error });
  }
}
