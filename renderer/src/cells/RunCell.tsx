import { useCallback, useEffect, useState } from 'react';
import type { RunRecord } from '../../../common/api/contract/runs';
import { samplingSettings } from '../../../common/settings/sampling';
import { errorMessage, useClient } from '../api/ClientContext';
import { nearestAbove, useSession } from '../notebook/NotebookSession';
import { LiveSampleView } from '../runs/LiveSampleView';
import { RunProgress, type ProgressState } from '../runs/RunProgress';
import { RunResults } from '../runs/RunResults';
import type { TokenSource } from '../runs/tokenStream';
import { JsonSettingsEditor, type SettingsCheck } from './JsonSettingsEditor';
import type { CellProps } from './cellProps';

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
  const issue = parsed.error.issues[0]!;
  return { ok: false, message: `${issue.path.join('.') || 'sampling'}: ${issue.message}` };
}

/**
 * Runs every strategy of its window cell over the dataset: start, cancel, resume; progress with
 * tokens/s and ETA; the sample being generated streams live; the results below when stored.
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
  const [message, setMessage] = useState<string | null>(null);
  const [showResults, setShowResults] = useState(false);

  const lookup = useCallback(async () => {
    const { path, notebook } = session.current();
    if (!path) return;
    try {
      const found = await client.call('runs.lookup', {
        notebookPath: path,
        cellId: cell.id,
        notebook: notebook as never,
      });
      setRuns(found.runs);
    } catch {
      setRuns([]);
    }
  }, [client, session, cell.id]);

  useEffect(() => void lookup(), [lookup]);

  useEffect(() => {
    const offProgress = client.on('run.progress', (event) => {
      if (event.cellId !== cell.id) return;
      setJobId(event.jobId);
      setStreamJob(event.jobId);
      setProgress({
        done: event.done,
        total: event.total,
        tokensPerSecond: event.tokensPerSecond,
        etaSeconds: event.etaSeconds,
      });
    });
    const offState = client.on('run.state', (event) => {
      if (event.cellId !== cell.id) return;
      if (event.state === 'running') {
        setStreamJob(event.jobId);
        return setJobId(event.jobId);
      }
      setJobId(null);
      setMessage(
        event.state === 'failed'
          ? `run failed: ${event.error ?? 'unknown error'}`
          : event.state === 'stopped'
            ? 'stopped; resume continues where it stopped'
            : null,
      );
      void lookup().then(() => event.state === 'complete' && setShowResults(true));
    });
    return () => {
      offProgress();
      offState();
    };
  }, [client, cell.id, lookup]);

  // The engine names a job's batches "<jobId>-<n>": only this job's tokens reach the live view.
  // Parallel sequences interleave their tokens, so the view follows one sample at a time: the
  // first one seen, until it is done, then the next one that streams.
  const tokens = useCallback<TokenSource>(
    (push) => {
      if (!streamJob) return () => undefined;
      let following: string | null = null;
      const offToken = client.on('engine.token', (event) => {
        if (!event.batchId.startsWith(`${streamJob}-`)) return;
        if (following === null) {
          following = event.key;
          push({ phase: event.phase, text: event.text, sample: event.key });
        } else if (event.key === following) push(event);
      });
      const offSample = client.on('engine.sample', (event) => {
        if (event.key === following && event.batchId.startsWith(`${streamJob}-`)) following = null;
      });
      return () => {
        offToken();
        offSample();
      };
    },
    [client, streamJob],
  );

  async function start() {
    const { path, notebook } = session.current();
    if (!path) return setMessage('Save the notebook first: runs are stored with the notebook they came from.');
    setMessage(null);
    setShowResults(false);
    try {
      const started = await client.call('runs.start', {
        notebookPath: path,
        cellId: cell.id,
        notebook: notebook as never,
      });
      setJobId(started.jobId);
      setStreamJob(started.jobId);
      const cached = started.runs.filter((r) => r.origin === 'cached').length;
      if (cached) setMessage(`${cached} of ${started.runs.length} runs reused from the store`);
    } catch (e) {
      setMessage(errorMessage(e));
    }
  }
  runRef.current = () => void start();

  async function cancel() {
    if (jobId) await client.call('runs.cancel', { jobId }).catch((e: unknown) => setMessage(errorMessage(e)));
  }

  async function resume() {
    setMessage(null);
    try {
      for (const run of runs.filter((r) => r.status === 'stopped')) {
        const resumed = await client.call('runs.resume', { runId: run.id });
        setJobId(resumed.jobId);
        setStreamJob(resumed.jobId);
      }
    } catch (e) {
      setMessage(errorMessage(e));
    }
  }

  const set = (patch: Record<string, unknown>) => onChange({ ...cell, ...patch } as typeof cell);
  const stopped = runs.some((r) => r.status === 'stopped');
  const complete = runs.length > 0 && runs.every((r) => r.status === 'complete');
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
          onRun={() => void start()}
          onValidity={onValidity}
        />
      </details>
      <div className="field-row">
        <button
          type="button"
          className="primary"
          onClick={() => void start()}
          disabled={jobId !== null}
          data-testid={`start-run-${cell.id}`}
        >
          {complete ? 'Run again (reuses stored runs)' : 'Start'}
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
            onClick={() => setShowResults((v) => !v)}
            aria-expanded={showResults}
            data-testid={`show-results-${cell.id}`}
          >
            {showResults ? 'Hide results' : 'Show results'}
          </button>
        )}
        {message && (
          <span className="status-line" role="status">
            {message}
          </span>
        )}
      </div>
      {progress && <RunProgress progress={progress} />}
      {streamJob && <LiveSampleView source={tokens} label={jobId ? 'Current sample' : 'Last sample'} />}
      {runs.length > 0 && (
        <table className="data-table" data-testid={`runs-${cell.id}`}>
          <thead>
            <tr>
              <th scope="col">run</th>
              <th scope="col">status</th>
              <th scope="col" className="num">
                done
              </th>
              <th scope="col" className="num">
                accuracy
              </th>
              <th scope="col" className="num">
                mean thinking
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td>{r.label}</td>
                <td>{r.status}</td>
                <td className="num">
                  {r.done}/{r.planned}
                </td>
                <td className="num">{r.summary ? `${(r.summary.accuracy.value * 100).toFixed(1)}%` : '—'}</td>
                <td className="num">{r.summary ? r.summary.thinking.phase1.mean.toFixed(1) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {showResults && runs.length > 0 && <RunResults runs={runs} onOpenSample={session.openSample} />}
    </>
  );
}
