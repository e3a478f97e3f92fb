import { seededRandom } from '../../../common/math/seededRandom';
/**
 * Seeded option order for multiple choice. GPQA-Diamond lists the correct answer first; an
 * unshuffled run rewards a model that always answers "A". The order is a pure function of the
 * problem's seed, so a run can be replayed and graded later with the prompt it showed.
 */

/** FNV-1a (32-bit) of `${baseSeed}:${problemId}`: the per-problem seed a run stores. */
export function problemSeed(baseSeed: number, problemId: string): number {
  let hash = 0x811c9dc5;
  const text = `${baseSeed}:${problemId}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** `order[p]` is the index (in the file's order) of the option shown at position p. Fisher–Yates. */
export function shuffleOrder(count: number, seed: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export function optionLetter(position: number): string {
  return String.fromCharCode(65 + position);
}

export interface PresentedChoices {
  /** Options in the order shown, lettered A, B, C … */
  choices: string[];
  order: number[];
}

/** The options as a prompt shows them (the runner) and as the grader maps a letter back. */
export function presentChoices(choices: readonly string[], seed: number | null): PresentedChoices {
  const order = seed === null ? choices.map((_, i) => i) : shuffleOrder(choices.length, seed);
  return { choices: order.map((i) => choices[i]!), order };
}
