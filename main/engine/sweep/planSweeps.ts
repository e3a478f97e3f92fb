import type { StrategySettings } from '../../../common/settings/strategy';
import { isWindowSettings, type WindowSettings } from '../strategies/types';
import { sweepKey } from './branchedSweep';

/** How the strategies of a batch run on each sample: branched sweeps, and single runs. */
export type SweepPlanStep =
  | { readonly kind: 'sweep'; readonly indices: readonly number[]; readonly settings: readonly WindowSettings[] }
  | { readonly kind: 'single'; readonly index: number; readonly settings: StrategySettings };

/**
 * Groups window strategies that differ only in `window` into one branched sweep each; every
 * other strategy runs on its own. Steps keep the order of their first strategy.
 */
export function planSweeps(strategies: readonly StrategySettings[]): SweepPlanStep[] {
  const steps: SweepPlanStep[] = [];
  const sweeps = new Map<string, { indices: number[]; settings: WindowSettings[] }>();
  strategies.forEach((settings, index) => {
    if (!isWindowSettings(settings)) {
      steps.push({ kind: 'single', index, settings });
      return;
    }
    const key = sweepKey(settings);
    const existing = sweeps.get(key);
    if (existing) {
      existing.indices.push(index);
      existing.settings.push(settings);
      return;
    }
    const sweep = { indices: [index], settings: [settings] };
    sweeps.set(key, sweep);
    steps.push({ kind: 'sweep', ...sweep });
  });
  return steps.map((step) =>
    step.kind === 'sweep' && step.indices.length === 1
      ? { kind: 'single', index: step.indices[0]!, settings: step.settings[0]! }
      : step,
  );
}
