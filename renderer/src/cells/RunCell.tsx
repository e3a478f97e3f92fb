import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RunRecord } from '../../../common/api/contract/runs';
import { samplingSettings } from '../../../common/settings/sampling';
import { errorMessage, useClient } from '../api/ClientContext';
import { nearestAbove, useSession } from '../notebook/NotebookSession';
import { runInputsKey } from '../notebook/runInputs';
import { LiveSampleView } from '../runs/LiveSampleView';
import { RunProgress, type ProgressState } from '../runs/RunProgress';
import { branchLabels } from '../runs/branchLabels';
import { EtaEstimator } from '../runs/etaEstimate';
import { JobEnds } from '../runs/jobEnds';
import { RunResults } from '../runs/RunResults';
import { RunSummary } from '../runs/RunSummary';
import { SandboxNote } from '../runs/SandboxNote';
import { RunTable } from '../runs/RunTable';
import { useJobTokens } from '../runs/useJobTokens';
import { JsonSettingsEditor, type SettingsCheck } from './JsonSettingsEditor';
import type { CellProps } from './cellProps';
import { useReportedValidity } from './useReportedValidity';
import { formatIssue } from '../../../common/api/validate';

const INPUTS = ['model', 'dataset', 'prompt', 'window'] as const;

function checkSampling(value: unknown): SettingsCheck {
  const parsed = samplingSettings.safeParse(value);
  if (parsed.success)
    return {
      ok: true,
      summary:
        parsed.data.temperature === 0
          ? 'greedy decoding'
          : `temperature ${parsed.data.temperature}, seed ${parsed.data.seed}`,
    };
  return { ok: false, message: formatIssue('sampling', parsed.error.issues[0]!) };
}

/**
 * Runs every strategy of its window cell over the dataset: start, cancel, resume; progress with
 * tokens/s and ETA; the sample being generated streams live (folded away when the run ends);
 * below, a one-line summary (accuracy per run, links to the plot cells that draw them), with
 * the table and the figures one click away. A failed run says why in the error style; results
 * found for other settings than the cell has now are marked so.
 */
export function RunCell({ cell, index, cells, onChange, runRef, onValidity }: CellProps<'run'>) {
  const client = useClient();
  const session = useSession();
  const [jobId, setJobId] = useState<string | null>(null);
  // The job whose tokens the live view shows; it stays after the job ends, so the last sample
  // can still be read (an oracle sweep is over in a second).
  const [streamJob, setStreamJob] = useState<string | null>(null);
  const [progress, setProgress] = useState<ProgressState | null>(null);
  const [runs, setRuns] = useState<RunRecord[]>([]);
  /** The cell's inputs when `runs` were looked up (runInputsKey). */
  const [runsKey, setRunsKey] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showDetails, setShowDetails] = useState(false);
  const livePanel = useRef<HTMLDetailsElement>(null);
  // Invalid sampling text never reaches the notebook: starting now would use the last valid one.
  const [samplingValid, validity] = useReportedValidity(onValidity);
  const eta = useRef<{ jobId: string; estimator: EtaEstimator } | null>(null);
  // Run all waits for a job's end.
  const ends = useRef(new JobEnds());

  const lookup = useCallback(async () => {
    const { path, notebook } = session.current();
    if (!path) return;
    const key = runInputsKey(notebook.cells, cell.id);
    try {
      const found = await client.call('runs.lookup', {
        notebookPath: path,
        cellId: cell.id,
        notebook: notebook as never,
      });
      setRuns(found.runs);
      setRunsKey(key);
    } catch {
      setRuns([]);
      setRunsKey(key);
    }
  }, [client, session, cell.id]);

  useEffect(() => void lookup(), [lookup]);

  useEffect(() => {
    const offProgress = client.on('run.progress', (event) => {
      if (event.cellId !== cell.id) return;
      setJobId(event.jobId);
      setStreamJob(event.jobId);
      if (eta.current?.jobId !== event.jobId) eta.current = { jobId: event.jobId, estimator: new EtaEstimator() };
      setProgress({
        done: event.done,
        total: event.total,
        tokensPerSecond: event.tokensPerSecond,
        etaSeconds: eta.current.estimator.update(event.done, event.total, performance.now() / 1000),
      });
    });
    const offState = client.on('run.state', (event) => {
      if (event.cellId !== cell.id) return;
      if (event.state === 'running') {
        setStreamJob(event.jobId);
        return setJobId(event.jobId);
      }
      setJobId(null);
      ends.current.settle(event.jobId, { state: event.state, error: event.error });
      if (event.state === 'failed') {
        // The results shown stay those from before, marked as from other settings when they are.
        return setError(`run failed: ${event.error ?? 'unknown error'}`);
      }
      setMessage(event.state === 'stopped' ? 'stopped; Resume continues where it stopped' : null);
      void lookup();
    });
    return () => {
      offProgress();
      offState();
    };
  }, [client, cell.id, lookup]);

  const tokens = useJobTokens(client, streamJob);

  /** Starts the cell's runs; settles when the job ends (rejects when it fails or stops). */
  async function start(): Promise<void> {
    const { path, notebook } = session.current();
    if (!path) {
      const text = 'Save the notebook first: runs are stored with the notebook they came from.';
      setError(text);
      throw new Error(text);
    }
    setMessage(null);
    setError(null);
    let started: { jobId: string; runs: Array<{ origin: string }> };
    try {
      started = await client.call('runs.start', {
        notebookPath: path,
        cellId: cell.id,
        notebook: notebook as never,
      });
    } catch (e) {
      setError(errorMessage(e));
      throw e;
    }
    // A job whose runs are all stored ends before its answer arrives: it is not running then.
    if (!ends.current.has(started.jobId)) setJobId(started.jobId);
    setStreamJob(started.jobId);
    const cached = started.runs.filter((r) => r.origin === 'cached').length;
    if (cached) setMessage(`${cached} of ${started.runs.length} runs reused from the store`);
    await ends.current.wait(started.jobId);
  }
  runRef.current = start;
  const startNow = () => void start().catch(() => undefined);

  async function cancel() {
    if (jobId) await client.call('runs.cancel', { jobId }).catch((e: unknown) => setError(errorMessage(e)));
  }

  async function resume() {
    setMessage(null);
    setError(null);
    try {
      for (const run of runs.filter((r) => r.status === 'stopped')) {
        const resumed = await client.call('runs.resume', { runId: run.id });
        if (!ends.current.has(resumed.jobId)) setJobId(resumed.jobId);
        setStreamJob(resumed.jobId);
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  // The live view labels a sweep's branches with their windows; stable while the settings are.
  const windowCell = cell.window ? cells.find((c) => c.id === cell.window) : nearestAbove(cells, index, 'window');
  const windowSettings = JSON.stringify(windowCell?.type === 'window' ? windowCell.window : null);
  const branches = useMemo(() => branchLabels(JSON.parse(windowSettings)), [windowSettings]);

  // The live panel opens while a job runs and folds away when it ends (the user may open it again).
  const running = jobId !== null;
  useEffect(() => {
    if (livePanel.current) livePanel.current.open = running;
  }, [running, streamJob]);

  const set = (patch: Record<string, unknown>) => onChange({ ...cell, ...patch } as typeof cell);
  const stopped = runs.some((r) => r.status === 'stopped');
  const complete = runs.length > 0 && runs.every((r) => r.status === 'complete');
  const stale = runs.length > 0 && runsKey !== null && runsKey !== runInputsKey(cells, cell.id);
  const plots = cells.filter((c) => c.type === 'plot' && c.plot.runs.includes(cell.id)).map((c) => c.id);
  return (
    <>
      <div className="field-row">
        <label>
          title
          <input
            value={cell.title ?? ''}
            onChange={(e) => set({ title: e.target.value || undefined })}
            placeholder={cell.id}
            size={16}
          />
        </label>
        <label>
          samples per problem
          <input
            type="number"
            min={1}
            max={1024}
            value={cell.samples ?? 1}
            onChange={(e) => set({ samples: Math.max(1, Number(e.target.value) || 1) })}
            style={{ width: '5em' }}
          />
        </label>
        {INPUTS.map((type) => {
          const nearest = nearestAbove(cells, index, type);
          return (
            <label key={type}>
              {type}
              <select value={cell[type] ?? ''} onChange={(e) => set({ [type]: e.target.value || undefined })}>
                <option value="">{nearest ? `${nearest.id} (nearest above)` : '— none above —'}</option>
                {cells
                  .filter((c) => c.type === type)
                  .map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.id}
                    </option>
                  ))}
              </select>
            </label>
          );
        })}
      </div>
      <details>
        <summary>sampling</summary>
        <JsonSettingsEditor
          cellId={cell.id}
          kind="sampling"
          value={cell.sampling ?? {}}
          ariaLabel={`Sampling settings of cell ${cell.id} (JSON)`}
          check={checkSampling}
          onValid={(sampling) => set({ sampling })}
          onRun={() => samplingValid && startNow()}
          onValidity={validity}
        />
      </details>
      <div className="field-row">
        <button
          type="button"
          className="primary"
          onClick={startNow}
          disabled={jobId !== null || !samplingValid}
          title={samplingValid ? undefined : 'Fix the sampling settings first'}
          data-testid={`start-run-${cell.id}`}
        >
          {complete && !stale ? 'Run again' : 'Start'}
        </button>
        <button
          type="button"
          onClick={() => void cancel()}
          disabled={jobId === null}
          data-testid={`cancel-run-${cell.id}`}
        >
          Cancel
        </button>
        <button type="button" onClick={() => void resume()} disabled={jobId !== null || !stopped}>
          Resume
        </button>
        {runs.length > 0 && (
          <button
            type="button"
            onClick={() => setShowDetails((v) => !v)}
            aria-expanded={showDetails}
            data-testid={`show-results-${cell.id}`}
          >
            {showDetails ? 'Hide details' : 'Details'}
          </button>
        )}
        {message && (
          <span className="status-line" role="status">
            {message}
          </span>
        )}
      </div>
      {error && (
        <div className="status-line error cell-error" role="alert" data-testid={`run-error-${cell.id}`}>
          {error}
        </div>
      )}
      {progress && <RunProgress progress={progress} />}
      {streamJob && (
        <details className="live-panel" ref={livePanel} data-testid={`live-panel-${cell.id}`}>
          <summary>{jobId ? 'Current sample' : 'Last sample'}</summary>
          <LiveSampleView source={tokens} label={jobId ? 'Current sample' : 'Last sample'} branches={branches} />
        </details>
      )}
      {runs.length > 0 && <RunSummary cellId={cell.id} runs={runs} stale={stale} plots={plots} />}
      <SandboxNote runs={runs} />
      {showDetails && runs.length > 0 && (
        <div className="run-details">
          <RunTable cellId={cell.id} runs={runs} />
          <RunResults runs={runs} onOpenSample={session.openSample} />
        </div>
      )}
    </>
  );
}
