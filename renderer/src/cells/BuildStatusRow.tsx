import { useEffect, useState } from 'react';
import type { BuildStatus } from '../../../common/api/contract/models';
import { useClient } from '../api/ClientContext';

/** The automatic build's states after which the engine's reason for the build in use changes. */
const ENDED = new Set<BuildStatus['auto']['state']>(['ready', 'refused', 'failed', 'cancelled']);

/**
 * The llama.cpp build a loaded model runs on and why (docs/models.md, "Builds"), with the
 * automatic native build's progress as it happens and a way to stop it.
 */
export function BuildStatusRow({ build }: { build: BuildStatus }) {
  const client = useClient();
  // The reason given at load ("… while a native build for this CPU is prepared") is out of date
  // once the automatic build ends: the engine is asked again then (engine.hardware).
  const [status, setStatus] = useState(build);
  const [progress, setProgress] = useState<{ state: string; percent: number | null } | null>(null);
  // A model loaded with its own build setting ("prebuilt", "native") has no part in the job.
  const followsJob = build.auto.state !== 'idle';

  useEffect(() => setStatus(build), [build]);

  useEffect(() => {
    if (!followsJob) return undefined;
    return client.on('engine.buildProgress', (event) => {
      if (!event.auto) return;
      setProgress({ state: event.auto, percent: event.percent });
      if (!ENDED.has(event.auto)) return;
      client.call('engine.hardware', {}).then(
        (hardware) => hardware.build && setStatus(hardware.build),
        () => undefined, // the progress line already says how it ended
      );
    });
  }, [client, followsJob]);

  const state = progress?.state ?? status.auto.state;
  const running = state === 'building' || state === 'verifying' || state === 'waiting';
  const percent = progress ? progress.percent : status.auto.percent;
  return (
    <tr>
      <th scope="row">llama.cpp build</th>
      <td data-testid="model-build">
        <span data-testid="model-build-reason">{status.reason}</span>
        {status.installCommand ? (
          <>
            {' '}
            · to build one: <code>{status.installCommand}</code>
          </>
        ) : null}
        {running || progress ? (
          <span data-testid="model-build-progress">
            {' '}
            · native build: {state}
            {state === 'building' && percent !== null ? ` ${percent}%` : ''}
          </span>
        ) : null}
        {running ? (
          <button type="button" onClick={() => void client.call('engine.cancelBuild', {}).catch(() => undefined)}>
            stop the build
          </button>
        ) : null}
      </td>
    </tr>
  );
}
