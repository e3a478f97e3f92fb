/**
 * The project's speed targets (docs/architecture.md, "Targets we hold ourselves to") read from
 * the suites' results, so one `npm run bench` run ends with a table that says which hold. Each
 * target names the suite that measures it and the value in that suite's result; a suite not run
 * (or a part it skipped) shows as "not measured", never as a pass.
 */

interface Target {
  suite: string;
  what: string;
  /** The measured value; a string says why there is none. */
  read(result: unknown): number | string;
  /** Values that must hold for the number to count (samples identical, none lost): path → value. */
  exact?(result: unknown): Record<string, unknown>;
  /** Holds when the value is ≥ this (or ≤ it with `atMost`). */
  bound: number;
  atMost?: boolean;
}

export interface TargetRow {
  suite: string;
  what: string;
  bound: string;
  measured: string;
  holds: boolean | null;
}

function get(result: unknown, path: string): unknown {
  let value = result;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The number at a dotted path, or why there is none (a suite writes a string for a part it skipped). */
function at(result: unknown, path: string): number | string {
  let value = result;
  for (const key of path.split('.')) {
    if (typeof value === 'string') return value;
    if (!value || typeof value !== 'object') return `no ${path} in the result`;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'number' || typeof value === 'string' ? value : `no ${path} in the result`;
}

/** a ÷ b, or the first reason either is missing. */
function ratioOf(a: number | string, b: number | string): number | string {
  if (typeof a === 'string') return a;
  if (typeof b === 'string') return b;
  return a / b;
}

const TARGETS: readonly Target[] = [
  {
    suite: 'engine',
    what: 'decode ÷ llama-bench (product threads)',
    read: (r) => at(r, 'llamaBench.ratio'),
    bound: 0.95,
  },
  {
    suite: 'engine',
    what: 'prompt ÷ llama-bench (product threads)',
    read: (r) => at(r, 'llamaBench.promptRatio'),
    bound: 0.95,
  },
  // Paired comparisons of alternating rounds read the median of the rounds' ratios, not best ÷ best:
  // at 2 threads the prebuilt llama.cpp has rare rounds far faster than its others, and one of
  // them on either side decided a best-of ratio (docs/engine.md, "Benchmarks").
  {
    suite: 'engine',
    what: 'shifted window ÷ bare loop (median of paired rounds)',
    read: (r) => at(r, 'overhead.medianRatio'),
    bound: 0.97,
  },
  {
    suite: 'engine',
    what: 'branched sweep speed-up ÷ ideal (identical outputs)',
    read: (r) => ratioOf(at(r, 'sweep.speedup'), at(r, 'sweep.ideal')),
    exact: () => ({ 'sweep.identical': true }),
    bound: 0.9,
  },
  {
    suite: 'engine',
    what: 'decode with signals ÷ without (median of paired rounds, same tokens)',
    read: (r) => at(r, 'signals.medianRatio'),
    exact: () => ({ 'signals.identical': true }),
    bound: 0.95,
  },
  ...[4, 8].map((n): Target => ({
    suite: 'remote',
    what: `local ÷ llama-server, ${n} sequences (seeded samples identical)`,
    read: (r) => at(r, `sequences.${n}.ratio`),
    exact: (r) => ({ 'seededIdentical.identical': get(r, 'seededIdentical.compared') }),
    bound: 0.9,
  })),
  ...(['inFlight.256', 'withSignals'] as const).map((key): Target => ({
    suite: 'remote-client',
    what: `tokens per core-second at 256 in flight${key === 'withSignals' ? ', signals K = 20' : ''} (none lost)`,
    read: (r) => at(r, `${key}.tokensPerCoreSecond`),
    exact: () => ({ [`${key}.samplesLost`]: 0, [`${key}.samplesDuplicated`]: 0, [`${key}.tokensWrong`]: 0 }),
    bound: 100_000,
  })),
  {
    suite: 'store',
    what: 'open + aggregate a 100k-sample run (s)',
    read: (r) => at(r, 'reopenAndAggregate.new.seconds'),
    bound: 0.5,
    atMost: true,
  },
  {
    suite: 'ui',
    what: '100k-sample histogram drawn (ms)',
    read: (r) => at(r, 'histogram100k.totalMs'),
    bound: 1000,
    atMost: true,
  },
];

function shown(value: number): string {
  return Number.isInteger(value) || Math.abs(value) >= 1000 ? String(Math.round(value)) : value.toFixed(3);
}

/** One row per target of the suites that ran. */
export function checkTargets(results: Record<string, unknown>): TargetRow[] {
  return TARGETS.filter((t) => t.suite in results).map((t) => {
    const result = results[t.suite];
    const value = t.read(result);
    const bound = `${t.atMost ? '≤' : '≥'} ${shown(t.bound)}`;
    if (typeof value === 'string') return { suite: t.suite, what: t.what, bound, measured: value, holds: null };
    const wrong = Object.entries(t.exact?.(result) ?? {}).find(([path, wanted]) => get(result, path) !== wanted);
    const measured = wrong
      ? `${shown(value)}, but ${wrong[0]} is ${JSON.stringify(get(result, wrong[0]))}, not ${JSON.stringify(wrong[1])}`
      : shown(value);
    const holds = !wrong && (t.atMost ? value <= t.bound : value >= t.bound);
    return { suite: t.suite, what: t.what, bound, measured, holds };
  });
}

export function formatTargets(rows: readonly TargetRow[]): string {
  const verdict = (row: TargetRow) => (row.holds === null ? 'not measured' : row.holds ? 'holds' : 'MISSED');
  const cells = rows.map((r) => [r.suite, r.what, r.bound, r.measured, verdict(r)]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n');
}
