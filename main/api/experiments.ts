import type { HostContext } from './HostContext';
import { RunStore } from '../store/RunStore';
import { engineOfHost } from './enginePort';
import { Runner } from '../runner/Runner';
import { appVersion } from './appVersion';

export interface Experiments {
  store: RunStore;
  runner: Runner;
}

const perHost = new WeakMap<HostContext, Promise<Experiments>>();

/**
 * The store and runner of a host, opened on first use and shared by its handler modules
 * (notebooks, runs, datasets). They live as long as the host process: a run in progress when it
 * exits is found stopped at the next start and resumes from its files.
 */
export function experimentsOf(ctx: HostContext): Promise<Experiments> {
  let experiments = perHost.get(ctx);
  if (!experiments) {
    experiments = RunStore.open(ctx.storeDir).then((store) => ({
      store,
      runner: new Runner({
        store,
        appVersion,
        engine: engineOfHost(ctx),
        storeDir: ctx.storeDir,
        emit: (event, data) => ctx.events.emit(event, data),
        // A front end shows the sample being generated; the CLI host has no one watching.
        streamTokens: ctx.host !== 'cli',
      }),
    }));
    experiments.catch(() => perHost.delete(ctx));
    perHost.set(ctx, experiments);
  }
  return experiments;
}
