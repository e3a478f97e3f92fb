import type { RunRecord } from '../../common/api/contract/runs';
import type { RunStore } from '../store/RunStore';
import { generationKeyOf } from './runPlan';

/**
 * The stored run with the most samples of these trajectories (equal generation keys), to grade
 * from instead of generating; runs a job is writing are passed over.
 */
export function generationSourceOf(
  store: RunStore,
  generationKey: string,
  busy: ReadonlySet<string>,
): RunRecord | null {
  let best: RunRecord | null = null;
  for (const r of store.list()) {
    if (r.generationKey === generationKey && r.done > 0 && !busy.has(r.id) && (!best || r.done > best.done)) best = r;
  }
  return best;
}

/**
 * Runs stored before generation keys existed get theirs from their provenance (the model's
 * sha256 and the dataset's fingerprint are recorded there).
 */
export async function backfillGenerationKeys(store: RunStore): Promise<void> {
  for (const r of store.list()) {
    if (r.generationKey || !r.provenance) continue;
    const generationKey = generationKeyOf(r.settings, r.provenance.model.sha256, r.provenance.dataset.fingerprint);
    await store.updateRun(r.id, { generationKey, regradeOf: r.regradeOf ?? null });
  }
}
