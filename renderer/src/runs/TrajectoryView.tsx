import { useCallback, useEffect, useState } from 'react';
import type { Trajectory } from '../../../common/api/contract/runs';
import { errorMessage, useClient } from '../api/ClientContext';
import { MathModeToggle, MathText } from '../markdown/MathText';
import { LiveSampleView } from './LiveSampleView';
import { SignalTraces } from './SignalTraces';
import type { TokenChunk, TokenSource } from './tokenStream';

const REPLAY_TOKENS_PER_SECOND = 400;

/**
 * One stored sample: its trajectory coloured by phase with the window cut marked, and a replay
 * that streams it again through the live view at a readable speed.
 */
export function TrajectoryView({ runId, sampleKey, onClose }: { runId: string; sampleKey: string; onClose(): void }) {
  const client = useClient();
  const [trajectory, setTrajectory] = useState<Trajectory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [replaying, setReplaying] = useState(0);

  // The gold answer is in the sample's record, not its trajectory.
  const [gold, setGold] = useState<string | null>(null);
  useEffect(() => {
    setGold(null);
    const problemId = sampleKey.slice(0, sampleKey.lastIndexOf('#'));
    client
      .call('runs.samples', { runId, offset: 0, limit: 1000, filter: { problemId } })
      .then((page) => setGold(page.samples.find((s) => s.key === sampleKey)?.gold ?? null))
      .catch(() => setGold(null));
  }, [client, runId, sampleKey]);

  useEffect(() => {
    setTrajectory(null);
    client
      .call('runs.trajectory', { runId, key: sampleKey })
      .then(setTrajectory, (e: unknown) => setError(errorMessage(e)));
  }, [client, runId, sampleKey]);

  useEffect(() => {
    const close = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [onClose]);

  const replay = useCallback<TokenSource>(
    (push) => {
      if (!trajectory || replaying === 0) return () => undefined;
      const chunks = replayChunks(trajectory);
      let i = 0;
      const timer = setInterval(() => {
        for (const end = i + REPLAY_TOKENS_PER_SECOND / 50; i < end && i < chunks.length; i++) push(chunks[i]!);
        if (i >= chunks.length) clearInterval(timer);
      }, 20);
      return () => clearInterval(timer);
    },
    [trajectory, replaying],
  );

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={`Trajectory of ${sampleKey}`}
        onClick={(e) => e.stopPropagation()}
        data-testid="trajectory"
      >
        <div className="field-row">
          <h3 style={{ margin: 0 }}>
            {sampleKey} <span className="muted">in run {runId}</span>
          </h3>
          <span style={{ flex: 1 }} />
          <MathModeToggle />
          <button type="button" onClick={() => setReplaying((n) => n + 1)} disabled={!trajectory} data-testid="replay">
            Replay
          </button>
          <button type="button" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
        {error && <div className="status-line error">{error}</div>}
        {trajectory && (
          <>
            <details>
              <summary>prompt message</summary>
              <pre className="prompt-preview">{trajectory.message}</pre>
            </details>
            <dl className="answer-list" data-testid="trajectory-answers">
              <dt>problem</dt>
              <dd>
                <MathText text={trajectory.message} />
              </dd>
              <dt>extracted answer</dt>
              <dd data-testid="trajectory-extracted">
                {typeof trajectory.grade.extracted === 'string' ? (
                  <MathText text={trajectory.grade.extracted} kind="answer" />
                ) : (
                  <span className="muted">none found</span>
                )}
              </dd>
              {gold !== null && (
                <>
                  <dt>gold answer</dt>
                  <dd data-testid="trajectory-gold">
                    <MathText text={gold} kind="answer" />
                  </dd>
                </>
              )}
            </dl>
            <p className="muted">
              {trajectory.cutAt === null
                ? 'The model ended its thinking by itself.'
                : `The window cut the thinking at ${trajectory.cutAt} tokens.`}{' '}
              Grade: {String(trajectory.grade.outcome ?? (trajectory.grade.correct ? 'correct' : 'wrong'))}
            </p>
            {replaying > 0 ? (
              <LiveSampleView source={replay} label="Replay" />
            ) : (
              <pre
                className="live-sample-text"
                style={{ height: 'auto', maxHeight: '50vh', contain: 'none' }}
                data-testid="trajectory-text"
              >
                {trajectory.segments.map((segment, i) => (
                  <span key={i}>
                    {segment.inserted && segment.phase === 'hint' && (
                      <span className="window-cut">✂ window cut at {trajectory.cutAt} tokens</span>
                    )}
                    <span className={`phase phase-${segment.phase}`}>{segment.text}</span>
                  </span>
                ))}
              </pre>
            )}
            <SignalTraces runId={runId} sampleKey={sampleKey} />
          </>
        )}
      </div>
    </div>
  );
}

/** A stored trajectory as token-sized chunks (segment text split evenly over its tokens). */
function replayChunks(trajectory: Trajectory): TokenChunk[] {
  const chunks: TokenChunk[] = [];
  for (const segment of trajectory.segments) {
    const n = Math.max(1, segment.tokens.length);
    const size = Math.ceil(segment.text.length / n);
    for (let at = 0; at < segment.text.length; at += size)
      chunks.push({ phase: segment.phase, text: segment.text.slice(at, at + size) });
  }
  return chunks;
}
