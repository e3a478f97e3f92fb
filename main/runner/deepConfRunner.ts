import type { SampleResult } from '../../common/api/contract/generation';
import type { SampleRecord } from '../../common/api/contract/runs';
import type { RunFiles } from '../store/RunFiles';
import type { DeepConfSettings } from '../../common/settings/strategy';
import { deepConfProblemState, traceOfRecord } from './deepConfProblem';
import type { WorkUnit } from './GradedSamples';
import type { PlannedItem, PlannedRun } from './runPlan';

/** A DeepConf run a job generates, with its files (what its problems' states are read from). */
export interface DeepConfUnit {
  readonly unit: WorkUnit;
  readonly files: RunFiles;
}

/** One trace to generate: a plan item, with the online threshold (absent: a warm-up trace, run in full). */
export type DeepConfItem = PlannedItem & { stopBelowConfidence?: number };

export interface DeepConfRunOptions {
  readonly units: readonly DeepConfUnit[];
  /** The plan's items (every problem × sample index); traces are picked from them. */
  readonly items: readonly PlannedItem[];
  /** One engine request: items under one run's strategy, each result handed to `onSample` as it arrives. */
  readonly generate: (
    batch: string,
    run: PlannedRun,
    items: DeepConfItem[],
    onSample: (item: PlannedItem, results: Array<SampleResult | undefined>) => Promise<void>,
  ) => Promise<void>;
  /** Grades a result and stores it in each unit (results aligned with `into`). */
  readonly store: (into: DeepConfUnit[], item: PlannedItem, results: Array<SampleResult | undefined>) => Promise<void>;
  readonly cancelled: () => boolean;
  /**
   * At the start of every round, and with 0 at the end: how many traces the runs may still
   * store at most (every open problem's samples not yet there), for progress and ETA.
   */
  readonly onRemaining?: (traces: number) => void;
}

/**
 * DeepConf's online procedure over a job's deepconf runs (docs/engine.md, "DeepConf"), in
 * rounds: each round asks every run's unsettled problems for their next traces
 * (deepConfProblemState: the warm-up first, then one trace at a time, with the threshold the
 * warm-up set), generates them, and reads the stored, graded traces back. A problem is settled
 * when the weighted vote reaches τ or all traces exist; traces never generated are not samples.
 *
 * Runs share traces: a trace depends only on its problem, sample index, token budget and
 * threshold (the seed comes from the problem and index), so runs that ask for the same one (every
 * warm-up of an η or τ sweep, and later traces whose thresholds are equal) get one generation,
 * stored in each of them. Returns the ids of the runs whose every problem is settled.
 */
export async function runDeepConf(options: DeepConfRunOptions): Promise<Set<string>> {
  const byProblem = groupItems(options.items);
  const settled = new Set<string>();
  for (let round = 0; !options.cancelled(); round++) {
    const wanted = new Map<string, Wanted>();
    let remaining = 0;
    for (const target of options.units) {
      const settings = deepConfSettingsOf(target.unit);
      const samples = target.unit.record.settings.samples;
      const stored = recordsByProblem(target.files.records());
      let open = false;
      for (const [problemId, items] of byProblem) {
        const traces = (stored.get(problemId) ?? []).map((r) => traceOfRecord(r, settings.measure));
        const state = deepConfProblemState(settings, samples, traces);
        if (state.next.length > 0) remaining += samples - traces.length;
        for (const sampleIndex of state.next) {
          const item = items[sampleIndex];
          if (!item) throw new Error(`deepconf: problem ${problemId} has no planned sample ${sampleIndex}`);
          open = true;
          const threshold = state.phase === 'warm-up' ? null : state.stopBelow;
          const key = JSON.stringify([settings.maxTokens, item.key, threshold]);
          const entry = wanted.get(key) ?? { item, threshold, run: target.unit.planned!, into: [] };
          entry.into.push(target);
          wanted.set(key, entry);
        }
      }
      if (!open) settled.add(target.unit.record.id);
    }
    options.onRemaining?.(remaining);
    if (wanted.size === 0) break;
    const storedBefore = storedCount(options.units);
    let batch = 0;
    for (const request of requestsOf([...wanted.values()])) {
      if (options.cancelled()) break;
      const byKey = new Map(request.map((w) => [w.item.key, w.into]));
      await options.generate(
        `${round}-${batch++}`,
        request[0]!.run,
        request.map((w) => (w.threshold === null ? w.item : { ...w.item, stopBelowConfidence: w.threshold })),
        (item, results) => {
          const into = byKey.get(item.key) ?? [];
          return options.store(
            into,
            item,
            into.map(() => results[0]),
          );
        },
      );
    }
    // A round that stores nothing would be asked again forever (e.g. an item cancelled alone).
    if (!options.cancelled() && storedCount(options.units) === storedBefore) {
      throw new Error('deepconf: a round of traces stored no sample; stopped so as not to ask for them again');
    }
  }
  return settled;
}

function storedCount(units: readonly DeepConfUnit[]): number {
  return units.reduce((sum, u) => sum + u.files.count, 0);
}

interface Wanted {
  readonly item: PlannedItem;
  readonly threshold: number | null;
  /** The run whose strategy settings the engine is given (any of `into`: they share the token budget). */
  readonly run: PlannedRun;
  readonly into: DeepConfUnit[];
}

/**
 * A stored run's items as they were generated (a re-run diff generates them again): for a
 * deepconf run, each trace after its problem's warm-up carries the threshold the stored warm-up
 * sets (less the stored summaries' rounding, as the runner asked for it); other runs' items as
 * they are.
 */
export function itemsAsGenerated(
  run: PlannedRun,
  items: readonly PlannedItem[],
  records: readonly SampleRecord[],
): DeepConfItem[] {
  const strategy = run.settings.strategy;
  if (strategy.strategy !== 'deepconf') return [...items];
  const stopBelow = new Map<string, number | null>();
  for (const [problemId, list] of recordsByProblem(records)) {
    const traces = list.map((r) => traceOfRecord(r, strategy.measure));
    stopBelow.set(problemId, deepConfProblemState(strategy, run.settings.samples, traces).stopBelow);
  }
  const warmup = Math.min(strategy.warmupTraces, run.settings.samples);
  return items.map((item) => {
    const threshold = stopBelow.get(item.problemId) ?? null;
    return item.sampleIndex < warmup || threshold === null ? item : { ...item, stopBelowConfidence: threshold };
  });
}

export function deepConfSettingsOf(unit: WorkUnit): DeepConfSettings {
  const strategy = unit.record.settings.strategy;
  if (strategy.strategy !== 'deepconf') throw new Error(`run ${unit.record.id} is not a deepconf run`);
  return strategy;
}

/**
 * Engine requests for a round: traces with the same token budget go together, but an item key
 * appears at most once per request (two runs may want the same trace under two thresholds).
 */
function requestsOf(wanted: readonly Wanted[]): Wanted[][] {
  const requests: Array<{ maxTokens: number; keys: Set<string>; list: Wanted[] }> = [];
  for (const w of wanted) {
    const maxTokens = (w.run.settings.strategy as DeepConfSettings).maxTokens;
    let request = requests.find((r) => r.maxTokens === maxTokens && !r.keys.has(w.item.key));
    if (!request) {
      request = { maxTokens, keys: new Set(), list: [] };
      requests.push(request);
    }
    request.keys.add(w.item.key);
    request.list.push(w);
  }
  return requests.map((r) => r.list);
}

/** Each problem's items by sample index, problems in plan order. */
function groupItems(items: readonly PlannedItem[]): Map<string, PlannedItem[]> {
  const byProblem = new Map<string, PlannedItem[]>();
  for (const item of items) {
    const list = byProblem.get(item.problemId) ?? [];
    list[item.sampleIndex] = item;
    byProblem.set(item.problemId, list);
  }
  return byProblem;
}

function recordsByProblem(records: readonly SampleRecord[]): Map<string, SampleRecord[]> {
  const byProblem = new Map<string, SampleRecord[]>();
  for (const record of records) {
    const list = byProblem.get(record.problemId);
    if (list) list.push(record);
    else byProblem.set(record.problemId, [record]);
  }
  return byProblem;
}
