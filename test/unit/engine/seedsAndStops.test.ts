import { describe, expect, it } from 'vitest';
import { StopStringMatcher } from '../../../main/engine/backend/StopStringMatcher';
import { deriveSampleSeed, tokenSeed } from '../../../main/engine/sampling/seeds';

describe('seeds', () => {
  it("derives a sample's seed from (run seed, problem id, sample index) alone", () => {
    expect(deriveSampleSeed(0, 'q01', 0)).toBe(deriveSampleSeed(0, 'q01', 0));
    const seeds = new Set([
      deriveSampleSeed(0, 'q01', 0),
      deriveSampleSeed(1, 'q01', 0),
      deriveSampleSeed(0, 'q02', 0),
      deriveSampleSeed(0, 'q01', 1),
    ]);
    expect(seeds.size).toBe(4);
    for (const seed of seeds) {
      expect(seed).toBeGreaterThanOrEqual(0);
      expect(seed).toBeLessThan(2 ** 31);
    }
  });

  it('gives every position and stream its own 32-bit seed, never llama.cpp\'s "random" value', () => {
    const seen = new Set<number>();
    for (let position = 0; position < 5000; position++) {
      for (const stream of ['thinking', 'answer'] as const) {
        const seed = tokenSeed(12345, stream, position);
        expect(seed).toBeGreaterThanOrEqual(0);
        expect(seed).toBeLessThan(0xffffffff);
        seen.add(seed);
      }
    }
    expect(seen.size).toBe(10000);
    expect(tokenSeed(1, 'thinking', 7)).toBe(tokenSeed(1, 'thinking', 7));
  });
});

describe('StopStringMatcher', () => {
  it('finds a stop string split across pieces and reports where it begins', () => {
    const matcher = new StopStringMatcher(['</answer>']);
    expect(matcher.push('the answer is 4</ans')).toBeNull();
    expect(matcher.push('wer> more')).toEqual({ text: '</answer>', start: 15 });
  });

  it('finds a stop string begun in the preceding text', () => {
    const matcher = new StopStringMatcher(['STOP'], 'xxST');
    expect(matcher.push('OP')).toEqual({ text: 'STOP', start: -2 });
  });

  it('reports the earliest of several stop strings and peeks without consuming', () => {
    const matcher = new StopStringMatcher(['bc', 'abcd']);
    expect(matcher.find('abcd')).toEqual({ text: 'abcd', start: 0 });
    expect(matcher.push('a')).toBeNull();
    expect(matcher.push('bcd')).toEqual({ text: 'abcd', start: 0 });
  });
});
