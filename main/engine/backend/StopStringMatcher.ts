/** Where a stop string was found: which one, and at which character of the text pushed so far (may be negative: in the preceding text). */
export interface StopMatch {
  readonly text: string;
  readonly start: number;
}

/**
 * Finds stop strings in text that arrives piece by piece (one piece per token), including a stop
 * string split across pieces or begun in text generated before (`precedingText`).
 */
export class StopStringMatcher {
  private readonly longest: number;
  /** The last `longest - 1` characters seen, and the offset (in pushed text) of their start. */
  private tail: string;
  private tailStart: number;

  constructor(
    private readonly stopStrings: readonly string[],
    precedingText = '',
  ) {
    this.longest = Math.max(0, ...stopStrings.map((s) => s.length));
    this.tail = this.longest > 1 ? precedingText.slice(-(this.longest - 1)) : '';
    this.tailStart = -this.tail.length;
  }

  /** Adds a piece; returns the earliest stop string that ends inside it. */
  push(piece: string): StopMatch | null {
    const match = this.find(piece);
    const joined = this.tail + piece;
    const keep = Math.max(0, this.longest - 1);
    const cut = Math.max(0, joined.length - keep);
    this.tailStart += cut;
    this.tail = joined.slice(cut);
    return match;
  }

  /** Whether a piece would complete a stop string, without adding it. */
  find(piece: string): StopMatch | null {
    if (this.longest === 0 || piece.length === 0) return null;
    const joined = this.tail + piece;
    let best: StopMatch | null = null;
    for (const stop of this.stopStrings) {
      // Only matches that end inside the new piece: earlier ones were reported already.
      const from = Math.max(0, this.tail.length - stop.length + 1);
      const at = joined.indexOf(stop, from);
      if (at >= 0 && (best === null || this.tailStart + at < best.start))
        best = { text: stop, start: this.tailStart + at };
    }
    return best;
  }
}
