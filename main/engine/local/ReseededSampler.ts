import type { NativeSampler, NativeSequence, SamplerOptions } from './nativeContext';

/**
 * One native sampler for a generation's seeded draws, re-seeded before each: the token it draws
 * with seed s is the one a new sampler with seed s would draw (docs/engine.md, "Seeded
 * sampling"), without building a sampler (~13 µs per token on the tiny-body bench) for each.
 *
 * Why that holds, in node-llama-cpp 3.21's addon (AddonSampler::ApplyConfig) on llama.cpp's
 * samplers: a configuration that differs from the applied one only in its seed frees the chain
 * and the `dist` sampler and creates a new `dist` sampler, whose random generator starts from
 * that seed, as a new sampler's does; top-k, top-p, min-p and the temperature are kept, and they
 * hold no state between draws. The chain is rebuilt on the next draw. The same seed again would
 * keep the `dist` sampler with the random state the last draw advanced, so a seed equal to the
 * applied one is preceded by another (tokenSeed never repeats a seed at consecutive positions, but
 * this class does not rely on it). test/integration/engine/seededDraws.test.ts checks the draws
 * against a new sampler per token.
 */
export class ReseededSampler {
  private readonly sampler: NativeSampler;
  /** Applied as a whole each time: a key left out would remove that sampler from the chain. */
  private readonly config: Record<string, unknown>;
  private appliedSeed: number;

  constructor(native: NativeSequence, options: Omit<SamplerOptions, 'seed'>) {
    this.appliedSeed = 0;
    this.config = native.samplerConfig({ ...options, seed: this.appliedSeed });
    this.sampler = native.createSampler({ ...options, seed: this.appliedSeed });
  }

  /** The sampler, seeded with `seed` (an unsigned 32-bit integer) and fresh for one draw. */
  seeded(seed: number): NativeSampler {
    if (seed === this.appliedSeed) this.apply(seed === 0 ? 1 : 0);
    this.apply(seed);
    return this.sampler;
  }

  dispose(): void {
    this.sampler.dispose();
  }

  private apply(seed: number): void {
    this.config.seed = seed;
    this.sampler.applyConfig(this.config);
    this.appliedSeed = seed;
  }
}
