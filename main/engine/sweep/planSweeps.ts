import type { StrategySettings } from '../../../common/settings/strategy';
import { earlyExitSweepKey } from '../strategies/earlyExit';
import { isWindowSettings, type EarlyExitSettings, type WindowSettings } from '../strategies/types';
import { sweepKey } from './branchedSweep';

/** How the strategies of a batch run on each sample: branched sweeps, and single runs. */
export type SweepPlanStep =
  | {
      readonly kind: 'sweep';
      readonly indices: readonly number[];
      /** Windows of one window strategy, or thresholds and windows of one early exit (strategies/earlyExit.ts). */
      readonly settings: readonly WindowSettings[] | readonly EarlyExitSettings[];
    }
  | { readonly kind: 'single'; readonly index: number; readonly settings: StrategySettings };

/**
 * Groups window strategies that differ only in `window` into one branched sweep each, and early
 * exits that differ only in `threshold` and `window` into one early-exit sweep each; every other
 * strategy runs on its own. Steps keep the order of their first strategy.
 */
export function planSweeps(strategies: readonly StrategySettings[]): SweepPlanStep[] {
  const steps: SweepPlanStep[] = [];
  const sweeps = new Map<string, { indices: number[]; settings: Array<WindowSettings | EarlyExitSettings> }>();
  strategies.forEach((settings, index) => {
    const key =
      settings.strategy === 'early-exit'
        ? `threshold ${earlyExitSweepKey(settings)}`
        : isWindowSettings(settings)
          ? `window ${sweepKey(settings)}`
          : null;
    if (key === null) {
      steps.push({ kind: 'single', index, settings });
      return;
    }
    const existing = sweeps.get(key);
    if (existing) {
      existing.indices.push(index);
      existing.settings.push(settings as WindowSettings | EarlyExitSettings);
      return;
    }
    const sweep = { indices: [index], settings: [settings as WindowSettings | EarlyExitSettings] };
    sweeps.set(key, sweep);
    // One key holds one kind of settings: windows of one strategy, or thresholds of one early exit.
    steps.push({ kind: 'sweep', indices: sweep.indices, settings: sweep.settings as readonly WindowSettings[] });
  });
  return steps.map((step) =>
    step.kind === 'sweep' && step.indices.length === 1
      ? { kind: 'single', index: step.indices[0]!, settings: step.settings[0]! }
      : step,
  );
}
