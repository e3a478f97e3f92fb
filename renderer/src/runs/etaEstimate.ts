/**
 * The time left in a run, from the rate measured while it generates. The host's own estimate
 * counts from the job's start, model loading included, so a 4 s run read "26 s" after its first
 * samples. This one starts the clock at the first progress report (the first stored sample:
 * loading is over by then) and says nothing until a second report has measured a rate.
 */
export class EtaEstimator {
  private first: { seconds: number; done: number } | null = null;

  /** `seconds` is any monotonic clock in seconds; returns the seconds left, or null before a rate is known. */
  update(done: number, total: number, seconds: number): number | null {
    if (done >= total) return 0;
    if (!this.first) {
      this.first = { seconds, done };
      return null;
    }
    const elapsed = seconds - this.first.seconds;
    const progressed = done - this.first.done;
    if (elapsed <= 0 || progressed <= 0) return null;
    return (total - done) / (progressed / elapsed);
  }
}
