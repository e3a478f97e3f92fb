/**
 * The arithmetic of choosing a thread count from measured decode speeds (docs/models.md,
 * "Threads"). Pure, so the rules are tested on exact numbers; the measuring is elsewhere.
 */

/** Decode speed at one thread count. */
export interface ThreadMeasurement {
  threads: number;
  tokensPerSecond: number;
}

/** Within this fraction of the fastest, fewer threads win: the same speed for less CPU. */
export const TIE_FRACTION = 0.03;

/**
 * Thread counts worth measuring up to `maxThreads`: every count up to 4, then the quarters of the
 * range (a 16-core machine measures 1, 2, 3, 4, 8, 12, 16), so a measurement stays a few seconds
 * even on a large model.
 */
export function threadCandidates(maxThreads: number): number[] {
  const max = Math.max(1, Math.floor(maxThreads));
  const counts = new Set<number>();
  for (let t = 1; t <= Math.min(4, max); t++) counts.add(t);
  for (const fraction of [0.5, 0.75, 1]) counts.add(Math.max(1, Math.round(max * fraction)));
  return [...counts].sort((a, b) => a - b);
}

/** The fastest count; a smaller count within TIE_FRACTION of the fastest is preferred. */
export function chooseThreads(measured: readonly ThreadMeasurement[]): number {
  if (measured.length === 0) throw new Error('chooseThreads: nothing was measured');
  const fastest = Math.max(...measured.map((m) => m.tokensPerSecond));
  const good = measured.filter((m) => m.tokensPerSecond >= fastest * (1 - TIE_FRACTION));
  return Math.min(...good.map((m) => m.threads));
}

export interface RecheckRule {
  /** Re-check when the decode speed stays below this fraction of the reference … */
  dropRatio: number;
  /** … or above this multiple of it (the load that slowed it went away). */
  riseRatio: number;
  /** … for at least this long (decode time summed) … */
  sustainMs: number;
  /** … and this many decodes. */
  minDecodes: number;
  /** Decodes timed at each count during a re-check. */
  probeDecodes: number;
}

export const DEFAULT_RECHECK_RULE: RecheckRule = {
  dropRatio: 0.5,
  riseRatio: 1.5,
  sustainMs: 3000,
  minDecodes: 16,
  probeDecodes: 8,
};

/** Decodes seen since the last decision: tokens decoded and the time the decodes took. */
export interface DecodeWindow {
  tokens: number;
  decodes: number;
  ms: number;
}

/**
 * 'wait' until the window is long enough; then 'recheck' when its speed left the band
 * [dropRatio, riseRatio] × reference, else 'keep' (and the window starts over).
 */
export function throughputVerdict(
  window: DecodeWindow,
  referenceTokensPerSecond: number,
  rule: RecheckRule = DEFAULT_RECHECK_RULE,
): 'wait' | 'keep' | 'recheck' {
  if (window.ms < rule.sustainMs || window.decodes < rule.minDecodes) return 'wait';
  const speed = (1000 * window.tokens) / window.ms;
  if (speed < rule.dropRatio * referenceTokensPerSecond) return 'recheck';
  if (speed > rule.riseRatio * referenceTokensPerSecond) return 'recheck';
  return 'keep';
}
