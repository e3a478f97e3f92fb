import path from 'node:path';
import type { EventData } from '../../../common/api/contract';
import type { EventMessage } from '../../../common/api/messages';
import { Workbench } from '../../api/Workbench';
import { spawnNodeEngine } from '../../engine-supervisor/nodeEngineChild';
import { STORE_ENV } from '../../store/storeDir';
import { graderSettings } from '../../../common/grading/graderSettings';
import { parseOrThrow } from '../../../common/api/validate';
import { engineOfHost } from '../../api/enginePort';
import type { EnginePort } from '../../runner/EnginePort';
import { Runner } from '../../runner/Runner';
import type { RunStore } from '../../store/RunStore';
import { EXIT, UsageError, type CliIo } from '../cliIo';
import { progressPrinter, runSummaryJson } from './run';
import { appVersion } from '../../api/appVersion';

/**
 * Regrading reads stored trajectories: it starts the engine process only when an LLM judge has
 * to be asked (a rule grader never calls it, and a judge whose replies are cached neither).
 */
function engineOnDemand(storeDir: string): EnginePort & { close(): Promise<void> } {
  const listeners = new Set<(message: EventMessage) => void>();
  let started: { workbench: Workbench; port: EnginePort } | null = null;
  const port = (): EnginePort => {
    if (!started) {
      const workbench = new Workbench({
        host: 'cli',
        storeDir,
        spawnEngine: spawnNodeEngine({ env: { [STORE_ENV]: storeDir } }),
      });
      workbench.onEvent((message) => listeners.forEach((listener) => listener(message)));
      started = { workbench, port: engineOfHost(workbench) };
    }
    return started.port;
  };
  return {
    call: (method, params) => port().call(method, params),
    onEvent: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    close: () => started?.workbench.close() ?? Promise.resolve(),
  };
}

/**
 * `z1wb runs regrade RUN… [--settings JSON]`: grades stored runs again without generating,
 * each into a new run beside the old one. Ctrl+C stops it; the same command continues it.
 */
export async function regradeCommand(
  store: RunStore,
  runIds: string[],
  settingsJson: string | undefined,
  options: { json: boolean; storeDir: string },
  io: CliIo,
): Promise<number> {
  if (runIds.length === 0) throw new UsageError('runs regrade takes one or more run ids');
  let grader;
  if (settingsJson !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(settingsJson);
    } catch (error) {
      throw new UsageError(`--settings is not JSON: ${(error as Error).message}`);
    }
    try {
      grader = parseOrThrow(graderSettings, raw, '--settings');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const printProgress = progressPrinter(io);
  const engine = engineOnDemand(path.resolve(options.storeDir));
  const runner = new Runner({
    store,
    appVersion,
    engine,
    storeDir: path.resolve(options.storeDir),
    emit: (event, data) => {
      if (event === 'run.progress') printProgress(data as EventData<'run.progress'>, 'regrade');
    },
  });
  const stop = () => runner.cancel(started.jobId);
  const started = await runner.regrade(runIds, grader);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const outcome = await runner.wait(started.jobId);
    const runs = outcome.runs.map((run, i) => ({
      ...runSummaryJson(run, run.notebook.cellId, started.runs[i]!.origin),
      regradeOf: run.regradeOf ?? null,
      grader: run.settings.grader,
    }));
    const summary = { state: outcome.state, error: outcome.error, judgeReplies: runner.judgeReplies, runs };
    io.stdout.write(JSON.stringify(summary, null, options.json ? 0 : 2) + '\n');
    return outcome.state === 'complete' ? EXIT.ok : EXIT.failed;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await runner.close();
    await engine.close();
  }
}
