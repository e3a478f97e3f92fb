import { z } from 'zod';
import { isSweptValue, strategySettings, sweepableStrategySettings, type StrategySettings } from './strategy';

/**
 * What a window cell holds: one strategy, a strategy whose counts are lists (a sweep over their
 * product, e.g. `"window": [512, 1024, 2048]`), or a list of such settings (strategies side by side).
 */
export const windowCellSettings = z.union([sweepableStrategySettings, z.array(sweepableStrategySettings).min(1)]);
export type WindowCellSettings = z.input<typeof windowCellSettings>;

/**
 * Validates a window cell choosing the branch by shape first, so that errors point at the field
 * (`[1].window`) instead of at a failed union.
 */
export function parseWindowCell(value: unknown) {
  return Array.isArray(value)
    ? z.array(sweepableStrategySettings).min(1).safeParse(value)
    : sweepableStrategySettings.safeParse(value);
}

/**
 * The runs a window cell asks for, in order: list entries in turn, and within one entry the
 * product of its swept fields, in field order, each value list in the order written.
 */
export function expandWindowCell(cell: z.output<typeof windowCellSettings>): StrategySettings[] {
  const entries = Array.isArray(cell) ? cell : [cell];
  return entries.flatMap((entry) => {
    let combinations: Array<Record<string, unknown>> = [{}];
    for (const [key, value] of Object.entries(entry)) {
      const values = isSweptValue(value) ? value : [value];
      combinations = combinations.flatMap((partial) => values.map((v) => ({ ...partial, [key]: v })));
    }
    return combinations.map((combination) => strategySettings.parse(combination));
  });
}
