import path from 'node:path';
import type { EventData } from '../../../common/api/contract';
import type { RunRecord } from '../../../common/api/contract/runs';
import { Workbench } from '../../api/Workbench';
import { spawnNodeEngine } from '../../engine-host/nodeEngineChild';
import { readValidNotebook } from '../../notebook/notebookFiles';
import { engineOfHost } from '../../runner/EnginePort';
import { Runner, type JobOutcome } from '../../runner/Runner';
import { strategyWindow } from '../../store/exportRuns';
import { RunStore } from '../../store/RunStore';
import { defaultStoreDir, STORE_ENV } from '../../store/storeDir';
import { EXIT, UsageError, flagString, parseArgs, type CliIo } from '../cliIo';

export const runUsage = `z1wb run NOTEBOOK [--store DIR] [--cell ID] [--json]
  Runs every run cell of a notebook (or only --cell ID) headlessly, in order. Runs already in
  the store with the same inputs are reused; stopped ones resume where they stopped.
  Progress goes to stderr; stdout gets a JSON summary: per run its id, strategy, window,
  samples, accuracy with its Wilson 95% interval, mean and median thinking tokens.
  --store DIR   the store (default: $${STORE_ENV} or the per-OS app-data folder)
  --json        compact JSON on stdout (default: indented)
  Exit code 1 when a run did not complete (run the same command again to resume it).`;

/** What `z1wb run` prints per run. */
export function runSummaryJson(run: RunRecord, cellId: string, origin: string | null) {
  const s = run.summary;
  return {
    id: run.id,
    cell: cellId,
    label: run.label,
    strategy: run.settings.strategy.strategy,
    window: strategyWindow(run),
    status: run.status,
    origin,
    error: run.error,
    samples: s?.samples ?? 0,
    planned: run.planned,
    accuracy: s ? { value: s.accuracy.value, low: s.accuracy.low, high: s.accuracy.high } : null,
    meanThinkingTokens: s?.thinking.phase1.mean ?? null,
    medianThinkingTokens: s?.thinking.phase1.median ?? null,
    thinkingHistogram: s?.thinking.phase1.histogram ?? null,
  };
}

/** A progress bar that redraws in place on a terminal and prints a line now and then otherwise. */
export function progressPrinter(io: CliIo) {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  let lastLine = 0;
  return (p: EventData<'run.progress'>, label: string) => {
    const now = Date.now();
    const finished = p.done >= p.total;
    if (!tty && !finished && now - lastLine < 2000) return;
    lastLine = now;
    const width = 30;
    const filled = p.total > 0 ? Math.round((width * p.done) / p.total) : width;
    const eta = p.etaSeconds !== null && !finished ? `  ETA ${formatSeconds(p.etaSeconds)}` : '';
    const rate = p.tokensPerSecond > 0 ? `  ${Math.round(p.tokensPerSecond)} tok/s` : '';
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} samples${rate}${eta}`;
    io.stderr.write(tty ? `\r${line}\x1b[K${finished ? '\n' : ''}` : `${line}\n`);
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['store', 'cell'], booleans: ['json'] });
  if (parsed.positional.length !== 1) throw new UsageError('expected one notebook file');
  const notebookPath = path.resolve(parsed.positional[0]!);
  const storeDir = path.resolve(flagString(parsed, 'store') ?? defaultStoreDir());
  const only = flagString(parsed, 'cell');
  const notebook = await readValidNotebook(notebookPath);
  const cells = notebook.cells.filter((c) => c.type === 'run' && (only === undefined || c.id === only));
  if (cells.length === 0)
    throw new UsageError(only ? `no run cell "${only}" in ${notebookPath}` : `${notebookPath} has no run cells`);

  const store = await RunStore.open(storeDir);
  for (const issue of store.issues)
    io.stderr.write(`store: ${issue.message}${issue.keptAs ? ` (kept as ${issue.keptAs})` : ''}\n`);
  // The engine child finds models (and writes downloads) in this store, not the default one.
  const workbench = new Workbench({
    host: 'cli',
    storeDir,
    spawnEngine: spawnNodeEngine({ env: { [STORE_ENV]: storeDir } }),
  });
  const showProgress = progressPrinter(io);
  let currentCell = '';
  const runner = new Runner({
    store,
    engine: engineOfHost(workbench),
    storeDir,
    emit: (event, data) => {
      if (event === 'run.progress') showProgress(data as EventData<'run.progress'>, currentCell);
      workbench.events.emit(event, data);
    },
  });
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    io.stderr.write('\ninterrupted: stopping (finished samples are kept; run again to resume)\n');
    for (const job of runner.activeJobs()) runner.cancel(job.jobId);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const summaries: Array<ReturnType<typeof runSummaryJson>> = [];
  const failures: string[] = [];
  try {
    for (const cell of cells) {
      if (interrupted) break;
      currentCell = cell.id;
      let outcome: JobOutcome;
      let origins = new Map<string, string>();
      try {
        const started = await runner.start({ notebookPath, cellId: cell.id, notebook });
        origins = new Map(started.runs.map((r) => [r.runId, r.origin]));
        const reused = started.runs.filter((r) => r.origin === 'cached').length;
        io.stderr.write(
          `${cell.id}: ${started.runs.length} run(s)${reused ? `, ${reused} reused from the store` : ''}\n`,
        );
        outcome = await runner.wait(started.jobId);
      } catch (error) {
        failures.push(`${cell.id}: ${(error as Error).message}`);
        io.stderr.write(`${cell.id}: ${(error as Error).message}\n`);
        continue;
      }
      if (outcome.state !== 'complete') failures.push(`${cell.id}: ${outcome.error ?? outcome.state}`);
      for (const run of outcome.runs) summaries.push(runSummaryJson(run, cell.id, origins.get(run.id) ?? null));
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await runner.close();
    await workbench.close();
    await store.close();
  }
  const result = { notebook: notebookPath, store: storeDir, runs: summaries, errors: failures };
  io.stdout.write(JSON.stringify(result, null, parsed.flags.has('json') ? undefined : 2) + '\n');
  for (const failure of failures) io.stderr.write(`not complete: ${failure}\n`);
  return failures.length === 0 ? EXIT.ok : EXIT.failed;
}
