import { describe, expect, it } from 'vitest';
import { strategyLabel, strategySettings } from '../../../common/settings/strategy';
import { expandWindowCell, parseWindowCell } from '../../../common/settings/windowCell';

describe('the deepconf window cell', () => {
  it('sweeps η and τ given as lists, every other field as written', () => {
    const parsed = parseWindowCell({
      strategy: 'deepconf',
      keepPercent: [10, 90],
      consensus: [0.9, 0.95],
      warmupTraces: 8,
    });
    expect(parsed.success).toBe(true);
    const runs = expandWindowCell(parsed.data!);
    expect(runs.map((r) => strategyLabel(r))).toEqual([
      'deepconf η=10% τ=0.9',
      'deepconf η=10% τ=0.95',
      'deepconf η=90% τ=0.9',
      'deepconf η=90% τ=0.95',
    ]);
    expect(runs.every((r) => r.strategy === 'deepconf' && r.warmupTraces === 8 && r.measure === 'lowest')).toBe(true);
  });

  it('refuses values outside their range, naming the field', () => {
    for (const [field, value] of [
      ['keepPercent', 0],
      ['keepPercent', 101],
      ['consensus', 1.5],
      ['warmupTraces', 0],
      ['measure', 'mean'],
    ] as const) {
      const parsed = strategySettings.safeParse({ strategy: 'deepconf', [field]: value });
      expect(parsed.success, `${field} = ${value}`).toBe(false);
      expect(parsed.error!.issues[0]!.path).toEqual([field]);
    }
    const cell = parseWindowCell({ strategy: 'deepconf', keepPercent: [10, 150] });
    expect(cell.error!.issues.map((i) => [i.path, i.message])).toEqual([
      [['keepPercent', 1], 'Too big: expected number to be <=100'],
    ]);
  });
});
