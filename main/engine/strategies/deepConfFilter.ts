/**
 * DeepConf's online filter (arXiv 2508.15260, §3.3): a trace is stopped as soon as the mean
 * confidence of its last `groupSize` generated tokens (its current group confidence) falls below
 * the problem's threshold. Only full windows are judged, as in the per-sample summary
 * (common/signals/summarizeSignals.ts), whose lowest group confidence is the minimum of the same
 * means: so a trace that runs to its end has a lowest group confidence ≥ the threshold, and a
 * trace shorter than the group is never stopped. The running sum is updated in the summary's
 * order, so both compute bit-identical means.
 */
export class GroupConfidenceFilter {
  private readonly values: number[] = [];
  private sum = 0;
  /** The index (among the tokens with a confidence) of the token that stopped the trace, or null. */
  stoppedAt: number | null = null;

  constructor(
    readonly threshold: number,
    readonly groupSize: number,
  ) {
    if (!Number.isFinite(threshold))
      throw new RangeError(`DeepConf: the stopping threshold must be a number, got ${threshold}`);
    if (!Number.isInteger(groupSize) || groupSize < 1) {
      throw new RangeError(`DeepConf: the group size must be a whole number ≥ 1, got ${groupSize}`);
    }
  }

  /** Tokens seen with a confidence. */
  get seen(): number {
    return this.values.length;
  }

  /**
   * Takes the next generated token's confidence (null: the token has none, e.g. inserted text,
   * and is skipped); true once the trace is to stop (it stays true).
   */
  push(confidence: number | null): boolean {
    if (this.stoppedAt !== null) return true;
    if (confidence === null || Number.isNaN(confidence)) return false;
    const i = this.values.length;
    this.values.push(confidence);
    this.sum += confidence;
    if (i >= this.groupSize) this.sum -= this.values[i - this.groupSize]!;
    if (i >= this.groupSize - 1 && this.sum / this.groupSize < this.threshold) this.stoppedAt = i;
    return this.stoppedAt !== null;
  }
}
