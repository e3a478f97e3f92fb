import path from 'node:path';
import type { EventData } from '../../../common/api/contract';
import { ApiError } from '../../../common/api/messages';
import { graderSettings } from '../../../common/grading/graderSettings';
import { parseOrThrow } from '../../../common/api/validate';
import type { EnginePort } from '../../runner/EnginePort';
import { Runner } from '../../runner/Runner';
import type { RunStore } from '../../store/RunStore';
import { EXIT, UsageError, type CliIo } from '../cliIo';
import { progressPrinter, runSummaryJson } from './run';

/** Regrading reads stored trajectories only: an engine call would mean a sample is generated. */
const noEngine: EnginePort = {
  call: (method) => Promise.reject(new ApiError('unavailable', `regrading runs no model (it asked for ${method})`)),
  onEvent: () => () => undefined,
};

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
  const runner = new Runner({
    store,
    engine: noEngine,
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
    io.stdout.write(
      JSON.stringify({ state: outcome.state, error: outcome.error, runs }, null, options.json ? 0 : 2) + '\n',
    );
    return outcome.state === 'complete' ? EXIT.ok : EXIT.failed;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await runner.close();
  }
}
