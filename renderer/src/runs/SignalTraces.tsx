import { useCallback, useEffect, useState } from 'react';
import type { SampleSignals } from '../../../common/api/contract/runs';
import { errorMessage, useClient } from '../api/ClientContext';
import { fileStem } from '../export/saveFile';
import type { GradedTrace } from '../figures/meanTrace';
import { MeanTraceView, SampleTraceView } from '../figures/TraceViews';

/** Samples whose signals the mean trace reads at most (in plan order), to stay quick on big runs. */
export const MEAN_TRACE_SAMPLES = 200;
/** runs.signals calls in flight while the mean trace loads. */
const PARALLEL_READS = 4;

/**
 * A stored sample's token signals (`runs.signals`) as a trace figure, and on request the mean
 * trace of its run's correct and wrong samples. A run that did not record signals says so.
 */
export function SignalTraces({ runId, sampleKey }: { runId: string; sampleKey: string }) {
  const client = useClient();
  const [signals, setSignals] = useState<SampleSignals | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mean, setMean] = useState<{ samples: GradedTrace[]; loaded: number; of: number; done: boolean } | null>(null);

  useEffect(() => {
    setSignals(null);
    setError(null);
    client.call('runs.signals', { runId, key: sampleKey }).then(setSignals, (e: unknown) => setError(errorMessage(e)));
  }, [client, runId, sampleKey]);

  const loadMean = useCallback(async () => {
    const page = await client.call('runs.samples', { runId, offset: 0, limit: MEAN_TRACE_SAMPLES });
    const records = page.samples;
    const samples: GradedTrace[] = [];
    let next = 0;
    setMean({ samples: [], loaded: 0, of: records.length, done: false });
    const worker = async () => {
      while (next < records.length) {
        const record = records[next++]!;
        const trace = await client.call('runs.signals', { runId, key: record.key }).catch(() => null);
        if (trace) samples.push({ correct: record.correct, trace });
        setMean((m) => m && { ...m, loaded: m.loaded + 1 });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_READS }, worker));
    setMean({ samples, loaded: records.length, of: records.length, done: true });
  }, [client, runId]);

  if (error) {
    return (
      <p className="muted" data-testid="signals-missing">
        {error}
      </p>
    );
  }
  if (!signals) return <p className="muted">Loading token signals…</p>;
  return (
    <div data-testid="signal-traces">
      <SampleTraceView trace={signals} fileName={fileStem(`${runId}-${sampleKey}-signals`)} />
      {mean?.done ? (
        <MeanTraceView samples={mean.samples} fileName={fileStem(`${runId}-mean-trace`)} />
      ) : (
        <button type="button" disabled={mean !== null} onClick={() => void loadMean()} data-testid="load-mean-trace">
          {mean ? `Reading signals ${mean.loaded}/${mean.of}…` : 'Mean trace of the run, correct vs wrong'}
        </button>
      )}
    </div>
  );
}
