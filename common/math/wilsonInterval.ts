/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of a binomial proportion (Wilson 1927): unlike p ± 1.96·SE it stays
 * inside [0, 1] and is honest at small n and at 0/n and n/n, which benchmark runs hit all the
 * time. With no trials the interval is the whole [0, 1].
 */
export function wilsonBounds(successes: number, trials: number, z = Z95): { low: number; high: number } {
  if (trials === 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // At p = 0 or 1 the bound is exactly 0 or 1; rounding must not push it past.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  };
}
