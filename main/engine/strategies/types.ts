import type { StrategySettings } from '../../../common/settings/strategy';

export type ShiftedWindowSettings = Extract<StrategySettings, { strategy: 'shifted-window' }>;
export type BudgetForcingSettings = Extract<StrategySettings, { strategy: 'budget-forcing' }>;
export type HardCutSettings = Extract<StrategySettings, { strategy: 'hard-cut' }>;
export type UnboundedSettings = Extract<StrategySettings, { strategy: 'unbounded' }>;
export type EarlyExitSettings = Extract<StrategySettings, { strategy: 'early-exit' }>;
export type { DeepConfSettings } from '../../../common/settings/strategy';

/** Strategies whose phase 1 is bounded by a window W, and which a sweep can branch. */
export type WindowSettings = ShiftedWindowSettings | HardCutSettings;

export function isWindowSettings(settings: StrategySettings): settings is WindowSettings {
  return settings.strategy === 'shifted-window' || settings.strategy === 'hard-cut';
}
