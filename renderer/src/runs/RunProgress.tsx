export interface ProgressState {
  done: number;
  total: number;
  tokensPerSecond: number;
  etaSeconds: number | null;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** done/total as a bar, with throughput and the time left. */
export function RunProgress({ progress }: { progress: ProgressState }) {
  return (
    <div className="progress" role="status" data-testid="run-progress">
      <progress max={progress.total || 1} value={progress.done} aria-label="samples done" />
      <span data-testid="run-progress-count">
        {progress.done}/{progress.total}
      </span>
      <span>{progress.tokensPerSecond.toFixed(0)} tok/s</span>
      <span>ETA {progress.etaSeconds === null ? '—' : duration(progress.etaSeconds)}</span>
    </div>
  );
}
