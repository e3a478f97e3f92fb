/** How a job ended, as `run.state` reports it. */
export type JobEnd = { state: 'complete' | 'stopped' | 'failed'; error: string | null };

/**
 * The ends of a cell's jobs, for whoever waits for one (Run all waits for each run cell's job).
 * A job whose runs are all stored can end before `runs.start` has answered with its id, so an
 * end that nobody waits for yet is kept until someone asks.
 */
export class JobEnds {
  private readonly waiters = new Map<string, (end: JobEnd) => void>();
  private readonly ended = new Map<string, JobEnd>();

  /** Records a job's end (from `run.state`). */
  settle(jobId: string, end: JobEnd): void {
    const waiter = this.waiters.get(jobId);
    if (waiter) waiter(end);
    else this.ended.set(jobId, end);
  }

  has(jobId: string): boolean {
    return this.ended.has(jobId);
  }

  /** Resolves when the job completes; rejects when it fails or stops, with what happened. */
  wait(jobId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (end: JobEnd) => {
        this.waiters.delete(jobId);
        this.ended.delete(jobId);
        if (end.state === 'complete') resolve();
        else reject(new Error(end.state === 'failed' ? `run failed: ${end.error ?? 'unknown error'}` : 'stopped'));
      };
      const end = this.ended.get(jobId);
      if (end) settle(end);
      else this.waiters.set(jobId, settle);
    });
  }
}
