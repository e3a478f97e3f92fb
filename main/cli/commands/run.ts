import path from 'node:path';
import type { EventData } from '../../../common/api/contract';
import type { RunRecord } from '../../../common/api/contract/runs';
import type { Experiments } from '../../api/experiments';
import { Workbench } from '../../api/Workbench';
import { spawnNodeEngine } from '../../engine-supervisor/nodeEngineChild';
import type { SkippedRow } from '../../../common/notebook/datasetSettings';
import type { Notebook } from '../../../common/notebook/notebookSchema';
import { loadDataset } from '../../datasets/loadDataset';
import { readValidNotebook } from '../../notebook/notebookFiles';
import type { JobOutcome } from '../../runner/Jobs';
import { Runner } from '../../runner/Runner';
import { specFromNotebook } from '../../runner/runPlan';
import { strategyWindow } from '../../../common/settings/strategy';
import { defaultStoreDir, STORE_ENV } from '../../store/storeDir';
import { EXIT, UsageError, flagString, parseArgs, type CliIo } from '../cliIo';
import { Interrupted, watchStopSignals } from '../stopSignals';
import { buildProgressPrinter, printBuildStatus } from '../buildStatusLines';

export const runUsage = `z1wb run NOTEBOOK [--store DIR] [--cell ID] [--json] [--allow-skipped]
  Runs every run cell of a notebook (or only --cell ID) headlessly, in order. Runs already in
  the store with the same inputs are reused; stopped ones resume where they stopped.
  Progress goes to stderr; stdout gets a JSON summary: per run its id, strategy, window,
  samples, accuracy with its Wilson 95% interval, mean and median thinking tokens; the dataset
  lines that could not be read ("skipped", by line number).
  --store DIR       the store (default: $${STORE_ENV} or the per-OS app-data folder)
  --json            compact JSON on stdout (default: indented)
  --allow-skipped   run a cell even when lines of its dataset could not be read (they are
                    listed on stderr and in the summary either way; without it such a cell
                    does not run and the exit code is 1)
  Ctrl+C (SIGINT) or SIGTERM stops it within a second at any point, start-up included; the
  samples finished by then are kept. Exit code 130 (SIGINT) or 143 (SIGTERM) then, 1 when a
  run did not complete (run the same command again to resume it).`;

/**
 * From a signal to the command's return: the time the cancelled runs and cleanup get. Measured
 * mid-run on the oracle sweep: the runs' outcome 150–270 ms after the signal, closing 2–40 ms,
 * the process gone 250–450 ms after the signal; a busy machine needs the rest of the second.
 */
const STOP_MS = 400;

/** What `z1wb run` prints per run. */
export function runSummaryJson(run: RunRecord, cellId: string, origin: string | null) {
  const s = run.summary;
  return {
    id: run.id,
    cell: cellId,
    label: run.label,
    strategy: run.settings.strategy.strategy,
    window: strategyWindow(run.settings.strategy),
    status: run.status,
    origin,
    error: run.error,
    samples: s?.samples ?? 0,
    planned: run.planned,
    accuracy: s ? { value: s.accuracy.value, low: s.accuracy.low, high: s.accuracy.high } : null,
    meanThinkingTokens: s?.thinking.phase1.mean ?? null,
    medianThinkingTokens: s?.thinking.phase1.median ?? null,
    thinkingHistogram: s?.thinking.phase1.histogram ?? null,
    /** Offline DeepConf accuracies (DeepConf-low, -high, weighted vote), with several samples and signals. */
    deepconf: s?.deepconf ?? null,
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

/** Dataset lines the loader could not read, as `z1wb run` reports them per cell. */
interface SkippedLines {
  cell: string;
  dataset: string;
  lines: SkippedRow[];
}

/**
 * The dataset lines a cell's run would leave out: read with the runner's own loader (which
 * keeps the result, so the run does not read the file twice).
 */
async function skippedLines(
  notebook: Notebook,
  notebookPath: string,
  cellId: string,
  storeDir: string,
): Promise<SkippedLines> {
  const spec = specFromNotebook(notebook, notebookPath, cellId);
  const dataset = await loadDataset(spec.dataset, { baseDir: spec.baseDir, storeDir });
  return { cell: cellId, dataset: dataset.description, lines: dataset.skipped };
}

function reportSkipped(io: CliIo, skipped: SkippedLines): void {
  const shown = skipped.lines.slice(0, 20).map((s) => `  line ${s.line}: ${s.error}`);
  const more = skipped.lines.length > 20 ? [`  … and ${skipped.lines.length - 20} more (all in the JSON summary)`] : [];
  io.stderr.write(
    `${skipped.cell}: ${skipped.lines.length} line(s) of ${skipped.dataset} could not be read:\n${[...shown, ...more].join('\n')}\n`,
  );
}

export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['store', 'cell'], booleans: ['json', 'allow-skipped'] });
  if (parsed.positional.length !== 1) throw new UsageError('expected one notebook file');
  const notebookPath = path.resolve(parsed.positional[0]!);
  const storeDir = path.resolve(flagString(parsed, 'store') ?? defaultStoreDir());
  const only = flagString(parsed, 'cell');
  const allowSkipped = parsed.flags.has('allow-skipped');

  let runner: Runner | null = null;
  // From here on a signal stops the command at whatever step it is in.
  const stop = watchStopSignals({
    stopMs: STOP_MS,
    onSignal: (signal) => {
      io.stderr.write(`\ninterrupted (${signal}): stopping; finished samples are kept, run again to resume\n`);
      for (const job of runner?.activeJobs() ?? []) runner!.cancel(job.jobId);
    },
  });
  const summaries: Array<ReturnType<typeof runSummaryJson>> = [];
  const failures: string[] = [];
  const skipped: SkippedLines[] = [];
  const opened: { experiments?: Promise<Experiments>; workbench?: Workbench } = {};
  try {
    const notebook = await stop.race(readValidNotebook(notebookPath));
    const cells = notebook.cells.filter((c) => c.type === 'run' && (only === undefined || c.id === only));
    if (cells.length === 0)
      throw new UsageError(only ? `no run cell "${only}" in ${notebookPath}` : `${notebookPath} has no run cells`);

    // The same services as the app and the headless host; the engine child finds models (and
    // writes downloads) in this store, not the default one.
    const workbench = (opened.workbench = new Workbench({
      host: 'cli',
      storeDir,
      spawnEngine: spawnNodeEngine({ env: { [STORE_ENV]: storeDir } }),
    }));
    // Kept even when a signal cuts the wait: a store that finishes opening is still closed (its lock released).
    const experiments = await stop.race((opened.experiments = workbench.experiments()));
    const store = experiments.store;
    runner = experiments.runner;
    for (const issue of store.issues)
      io.stderr.write(`store: ${issue.message}${issue.keptAs ? ` (kept as ${issue.keptAs})` : ''}\n`);
    const showProgress = progressPrinter(io);
    const showBuild = buildProgressPrinter(io);
    let currentCell = '';
    workbench.onEvent((message) => {
      if (message.event === 'run.progress') showProgress(message.data as EventData<'run.progress'>, currentCell);
      if (message.event === 'engine.buildProgress') showBuild(message.data as EventData<'engine.buildProgress'>);
    });
    await stop.race(printBuildStatus(workbench, io));

    for (const cell of cells) {
      currentCell = cell.id;
      let outcome: JobOutcome | undefined;
      let origins = new Map<string, string>();
      try {
        const lines = await stop.race(skippedLines(notebook, notebookPath, cell.id, storeDir));
        if (lines.lines.length > 0) {
          skipped.push(lines);
          reportSkipped(io, lines);
          if (!allowSkipped) {
            failures.push(
              `${cell.id}: ${lines.lines.length} dataset line(s) could not be read (fix them, or pass --allow-skipped to run without them)`,
            );
            continue;
          }
        }
        const starting = runner.start({ notebookPath, cellId: cell.id, notebook });
        // Stopped during start-up: the job it may still create is cancelled as soon as it exists.
        void starting.then((s) => stop.signal && runner!.cancel(s.jobId)).catch(() => undefined);
        const started = await stop.race(starting);
        origins = new Map(started.runs.map((r) => [r.runId, r.origin]));
        const reused = started.runs.filter((r) => r.origin === 'cached').length;
        io.stderr.write(
          `${cell.id}: ${started.runs.length} run(s)${reused ? `, ${reused} reused from the store` : ''}\n`,
        );
        outcome = await stop.race(runner.wait(started.jobId)).catch(async (error: unknown) => {
          if (!(error instanceof Interrupted)) throw error;
          // Cancelled by the signal: its outcome (the runs as kept) if it comes in time.
          return stop.withinStopTime(runner!.wait(started.jobId));
        });
      } catch (error) {
        if (error instanceof Interrupted) throw error;
        failures.push(`${cell.id}: ${(error as Error).message}`);
        io.stderr.write(`${cell.id}: ${(error as Error).message}\n`);
        continue;
      }
      if (!outcome) throw new Interrupted('interrupted');
      if (outcome.state !== 'complete') failures.push(`${cell.id}: ${outcome.error ?? outcome.state}`);
      for (const run of outcome.runs) summaries.push(runSummaryJson(run, cell.id, origins.get(run.id) ?? null));
      if (stop.signal) break;
    }
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
  } finally {
    // Bounded once a signal came: whatever is not closed in time is left to the process's exit
    // (finished samples are on disk already). The engine goes first: after a Ctrl+C that killed
    // it too, its supervisor would start a new one, which the runner's model unload would wait for.
    await stop.withinStopTime(
      (async () => {
        await opened.workbench?.close();
        const experiments = await opened.experiments?.catch(() => undefined);
        await experiments?.runner.close();
        await experiments?.store.close();
      })(),
    );
    stop.dispose();
  }
  if (stop.signal) failures.push(`interrupted by ${stop.signal}`);
  const result = {
    notebook: notebookPath,
    store: storeDir,
    runs: summaries,
    skipped,
    errors: failures,
    interrupted: stop.signal,
  };
  io.stdout.write(JSON.stringify(result, null, parsed.flags.has('json') ? undefined : 2) + '\n');
  for (const failure of failures) io.stderr.write(`not complete: ${failure}\n`);
  return stop.exitCode ?? (failures.length === 0 ? EXIT.ok : EXIT.failed);
}
