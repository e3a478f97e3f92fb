import { useEffect, useState } from 'react';
import type { BuildStatus } from '../../../common/api/contract/models';
import { useClient } from '../api/ClientContext';

/**
 * The llama.cpp build a loaded model runs on and why (docs/models.md, "Builds"), with the
 * automatic native build's progress as it happens and a way to stop it.
 */
export function BuildStatusRow({ build }: { build: BuildStatus }) {
  const client = useClient();
  const [progress, setProgress] = useState<{ state: string; percent: number | null } | null>(null);

  useEffect(
    () =>
      client.on('engine.buildProgress', (event) => {
        if (event.auto) setProgress({ state: event.auto, percent: event.percent });
      }),
    [client],
  );

  const state = progress?.state ?? build.auto.state;
  const running = state === 'building' || state === 'verifying' || state === 'waiting';
  const percent = progress ? progress.percent : build.auto.percent;
  return (
    <tr>
      <th scope="row">llama.cpp build</th>
      <td data-testid="model-build">
        {build.reason}
        {build.installCommand ? (
          <>
            {' '}
            · to build one: <code>{build.installCommand}</code>
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
