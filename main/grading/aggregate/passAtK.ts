/**
 * Unbiased pass@k (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", eq. 1):
 * with n samples of which c are correct, 1 − C(n−c, k) / C(n, k), the chance that at least one
 * of k samples drawn without replacement is correct. Computed as a product, as in the paper's
 * numpy reference, because the binomials overflow for realistic n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`passAtK: need whole numbers 0 ≤ c ≤ n and 1 ≤ k ≤ n, got n=${n}, c=${c}, k=${k}`);
  }
  if (n - c < k) return 1;
  let allWrong = 1;
  for (let i = n - c + 1; i <= n; i++) allWrong *= 1 - k / i;
  return 1 - allWrong;
}

/** Mean pass@k over problems, each given as its sample count and correct count. */
export function meanPassAtK(problems: ReadonlyArray<{ n: number; c: number }>, k: number): number | null {
  if (problems.length === 0) return null;
  return problems.reduce((sum, p) => sum + passAtK(p.n, p.c, k), 0) / problems.length;
}
