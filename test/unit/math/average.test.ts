import { describe, expect, it } from 'vitest';
import { mean, median } from '../../../common/math/average';

describe('the one mean and median', () => {
  it('average what they are given, the median counting small integers and sorting the rest alike', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const tokens = Array.from({ length: 101 }, (_, i) => (i * 37) % 101);
    expect(median(tokens)).toBe(50);
    expect(median(tokens.map((t) => t + 0.5))).toBe(50.5);
  });

  it('say what no values give: NaN, unless the caller names its own value', () => {
    expect(mean([])).toBeNaN();
    expect(median([])).toBeNaN();
    expect(mean([], 0)).toBe(0);
    expect(median(new Float64Array(0), 0)).toBe(0);
  });
});
