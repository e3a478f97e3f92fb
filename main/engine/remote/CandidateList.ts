/**
 * The candidates streamed with one token (llama-server's `top_logprobs`), reduced to what the
 * client reads: their ids and log-probabilities, most likely first, in two plain arrays. With
 * token signals every token brings K of them (20 by default); one object per token instead of
 * one per candidate keeps the garbage of a fast stream small (docs/remote.md, "How fast the
 * client ingests").
 */
export class CandidateList {
  readonly ids: number[] = [];
  readonly logprobs: number[] = [];

  get length(): number {
    return this.ids.length;
  }

  push(id: number, logprob: number): void {
    this.ids.push(id);
    this.logprobs.push(logprob);
  }
}
