import type { StrategyResult } from '../../../common/api/contract/generation';
import type { SignalSettings } from '../../../common/settings/signals';
import { summarizeSignals } from '../../../common/signals/summarizeSignals';
import type { TokenSignal } from '../backend/GenerationBackend';

/** A stretch of a trajectory with one signal entry per token (null: inserted, or none computed). */
export interface SignalStretch {
  readonly inserted: boolean;
  readonly signals: ReadonlyArray<TokenSignal | null>;
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
  const generated = stretches.flatMap((s) => (s.inserted ? [] : s.signals));
  if (generated.length > 0 && generated.every((s) => s === null)) return {};
  const { topK, groupSize } = settings;
  const signalSummary = summarizeSignals(columns(generated), { topK, groupSize });
  if (settings.mode !== 'record') return { signalSummary };
  return { signalSummary, signals: { topK, ...columns(stretches.flatMap((s) => s.signals)) } };
}

function columns(signals: ReadonlyArray<TokenSignal | null>) {
  return {
    logprob: signals.map((s) => s?.logprob ?? null),
    entropy: signals.map((s) => s?.entropy ?? null),
    confidence: signals.map((s) => s?.confidence ?? null),
  };
}
