import { useEffect, useMemo, useState } from 'react';
import type { RunRecord } from '../../../common/api/contract/runs';
import { errorMessage, useClient } from '../api/ClientContext';
import type { FigureSample } from '../figures/figureData';
import { EfficiencyView, PerProblemScatterView, ScalingCurveView, ThinkingHistogramView } from '../figures/FigureViews';
import { RunComparisonTable } from '../figures/RunComparisonTable';
import { COUNT_LABEL, loadRunSamples, runWindow, type ThinkingCount } from './runSamples';
import { SandboxNote } from './SandboxNote';

/**
 * The figures of a set of stored runs: histogram, scaling curve, efficiency, per-problem scatter
 * and the comparison table, from their samples. Clicking a point or a row opens a trajectory.
 */
export function RunResults({
  runs,
  onOpenSample,
}: {
  runs: readonly RunRecord[];
  onOpenSample(runId: string, key: string): void;
}) {
  const client = useClient();
  const [count, setCount] = useState<ThinkingCount>('phase1');
  const [samples, setSamples] = useState<FigureSample[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = runs.map((r) => `${r.id}:${r.done}`).join(',');

  useEffect(() => {
    let stale = false;
    setError(null);
    loadRunSamples(client, runs, count).then(
      (loaded) => !stale && setSamples(loaded),
      (e: unknown) => !stale && setError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
    // `key` identifies the runs and how far they got.
  }, [client, key, count]);

  const windows = useMemo(
    () => [...new Set(runs.map(runWindow).filter((w): w is number => w !== null))].sort((a, b) => a - b),
    [runs],
  );
  if (error) return <div className="status-line error">{error}</div>;
  if (!samples) return <div className="muted">loading samples…</div>;
  const label = COUNT_LABEL[count];
  return (
    <div className="run-results" data-testid="run-results">
      <div className="field-row">
        <label>
          thinking tokens
          <select value={count} onChange={(e) => setCount(e.target.value as ThinkingCount)}>
            <option value="phase1">phase 1 (Z1: generated before the cut)</option>
            <option value="delimited">before the model's own &lt;/think&gt;</option>
          </select>
        </label>
        <span className="muted">{samples.length} samples</span>
      </div>
      <SandboxNote runs={runs} />
      <ThinkingHistogramView samples={samples} windows={windows} countLabel={label} />
      <ScalingCurveView samples={samples} countLabel={label} />
      <EfficiencyView samples={samples} countLabel={label} />
      <PerProblemScatterView samples={samples} countLabel={label} onOpenSample={onOpenSample} />
      <RunComparisonTable
        samples={samples}
        onOpenRow={(row) => {
          const first = samples.find(
            (s) =>
              (row.window === null ? s.window === null : s.window === row.window) &&
              [s.runLabel, s.strategy, s.model].includes(row.series),
          );
          if (first) onOpenSample(first.runId, first.sampleKey);
        }}
      />
    </div>
  );
}
