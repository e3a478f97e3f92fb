import type { StrategyResult } from '../../../common/api/contract/generation';
import type { SignalSettings } from '../../../common/settings/signals';
import { summarizeSignals } from '../../../common/signals/summarizeSignals';
import type { SignalColumns } from './SignalColumns';

/** A stretch of a trajectory with one signal entry per token (null: inserted, or none computed). */
export interface SignalStretch {
  readonly inserted: boolean;
  readonly signals: SignalColumns;
}

/**
 * The signal fields of a StrategyResult (common/api/contract/generation.ts): with signals on,
 * the summary over the tokens the model generated; with "record", every token's values too,
 * aligned with the trajectory's tokens (segments concatenated, null at inserted tokens). None
 * when signals were off, or when the backend computed none for any generated token.
 */
export function signalResults(
  stretches: readonly SignalStretch[],
  settings: SignalSettings | undefined,
): Pick<StrategyResult, 'signalSummary' | 'signals'> {
  if (!settings || settings.mode === 'off') return {};
  const generated = stretches.filter((s) => !s.inserted);
  if (generated.some((s) => s.signals.length > 0) && !generated.some((s) => s.signals.anyPresent())) return {};
  const { topK, groupSize } = settings;
  const signalSummary = summarizeSignals(columns(generated), { topK, groupSize });
  if (settings.mode !== 'record') return { signalSummary };
  return { signalSummary, signals: { topK, ...columns(stretches) } };
}

function columns(stretches: readonly SignalStretch[]) {
  const values = { logprob: [] as Array<number | null>, entropy: [] as Array<number | null>, confidence: [] as Array<number | null> };
  for (const stretch of stretches) stretch.signals.appendTo(values);
  return values;
}
