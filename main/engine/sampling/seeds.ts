import { createHash } from 'node:crypto';

/**
 * Seeds, defined so that results never depend on scheduling or on how a generation is split.
 *
 * - A sample's seed derives from (run seed, problem id, sample index) alone: the same sample gets
 *   the same seed whichever sequence, batch or order it runs in.
 * - Within a sample, the token that will occupy sequence position p (0-based, prompt included)
 *   is drawn as a fresh sampler seeded with tokenSeed(sampleSeed, stream, p) draws it (the local
 *   backend re-seeds one sampler to that effect, local/ReseededSampler.ts), where the stream is
 *   the phase that generates it ('thinking' or 'answer'). The draw at a position therefore
 *   depends only on the tokens before it and the stream, never on earlier draws. That is what
 *   makes a branched sweep (generate the thinking once, branch the answer off at each window)
 *   token-for-token equal to independent runs at each window, for seeded sampling as for greedy.
 *   See docs/engine.md, "Seeded sampling".
 */

/** The random stream a generated token belongs to: thinking (phase 1, "Wait" stretches) or answer. */
export type SeedStream = 'thinking' | 'answer';

const STREAM_CODE: Record<SeedStream, number> = { thinking: 1, answer: 2 };

/** llama.cpp reads a seed of 0xFFFFFFFF (LLAMA_DEFAULT_SEED) as "pick a random seed". */
const LLAMA_RANDOM_SEED = 0xffffffff;

/** A sample's seed in [0, 2^31): the first 31 bits of sha256(run seed, problem id, sample index). */
export function deriveSampleSeed(runSeed: number, problemId: string, sampleIndex: number): number {
  const digest = createHash('sha256').update(`z1wb-sample\0${runSeed}\0${problemId}\0${sampleIndex}`).digest();
  return digest.readUInt32BE(0) >>> 1;
}

/** The seed of the sampler that draws the token at sequence position `position`. */
export function tokenSeed(sampleSeed: number, stream: SeedStream, position: number): number {
  let h = finalizeMix(sampleSeed >>> 0);
  h = finalizeMix((h ^ Math.imul(STREAM_CODE[stream], 0x9e3779b1)) >>> 0);
  h = finalizeMix((h ^ (position >>> 0)) >>> 0);
  return h === LLAMA_RANDOM_SEED ? 0 : h;
}

/** MurmurHash3's 32-bit finalizer: a cheap bijective mix with full avalanche (called per token). */
function finalizeMix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
