import { randomBytes } from 'node:crypto';
import type { EventData, EventName } from '../../common/api/contract';
import { sampleResult, type SampleResult } from '../../common/api/contract/generation';
import type { RunRecord, SampleDiff } from '../../common/api/contract/runs';
import { ApiError, type EventMessage } from '../../common/api/messages';
import type { Notebook } from '../../common/notebook/notebookSchema';
import { grade as gradeResponse, graderSettings } from '../grading';
import type { GraderSettings } from '../../common/grading/graderSettings';
import { readValidNotebook } from '../notebook/notebookFiles';
import { canonicalJson } from '../store/cacheKey';
import type { RunFiles } from '../store/RunFiles';
import type { RunStore } from '../store/RunStore';
import { summarizeRun } from '../store/runSummary';
import type { EnginePort } from './EnginePort';
import { provenanceOf, withGrading } from './provenance';
import { Jobs, type Job, type JobOutcome } from './Jobs';
import { byStrategyIndex } from './byStrategyIndex';
import { itemsAsGenerated, runDeepConf } from './deepConfRunner';
import { backfillGenerationKeys, generationSourceOf } from './generationSources';
import { GradedSamples, type GradeFunction, type WorkUnit } from './GradedSamples';
import { JudgeClient } from './JudgeClient';
import { limiter } from './limiter';
import {
  cacheKeyOf,
  prepareItems,
  preparePlan,
  runSettingsOf,
  settingsKeyOf,
  specFromNotebook,
  specFromRun,
  type Plan,
  type PlannedItem,
  type PlannedRun,
  type RunSpec,
} from './runPlan';
import { firstDifference } from './sampleRecord';

export type { GradeFunction };

export interface RunnerOptions {
  store: RunStore;
  /** The workbench's version, recorded in every run's provenance (the host passes its own). */
  appVersion: string;
  engine: EnginePort;
  storeDir: string;
  emit: <E extends EventName>(event: E, data: EventData<E>) => void;
  grade?: GradeFunction;
  /** Gradings in flight at once (code tests run in sandboxes). */
  gradeConcurrency?: number;
  /** Items per engine.generate request: bounds message sizes; the engine schedules within it. */
  itemsPerRequest?: number;
  /** How often the index is brought up to date with a running run (done count, summary). */
  checkpointMs?: number;
  progressMs?: number;
  /** Ask the engine for `engine.token` events (the UI's live view); off for headless runs. */
  streamTokens?: boolean;
}

export interface CellRef {
  notebookPath: string;
  cellId: string;
  /**
   * The editor's notebook, already parsed where it entered the process (the API's schema);
   * read from `notebookPath` and validated there when left out. Never validated twice.
   */
  notebook?: Notebook;
}

export type JobRun = { runId: string; label: string; origin: 'cached' | 'resumed' | 'regraded' | 'new' };
/**
 * Runs run cells: plans the samples (problems × samples × strategies), reuses stored runs with
 * the same cache key, sends what is missing to the engine, grades each sample as it arrives and
 * stores it durably before counting it as done. Lives in the host process; knows nothing of
 * Electron or of front ends (it emits API events).
 */
export class Runner {
  private readonly jobs: Jobs;
  private loaded: { key: string; modelId: string } | null = null;
  private backfill: Promise<void> | null = null;
  private readonly judge: JudgeClient;
  private readonly samples: GradedSamples;
  private readonly unsubscribeEngine: () => void;

  constructor(private readonly options: RunnerOptions) {
    this.jobs = new Jobs({
      emit: options.emit,
      ...(options.progressMs !== undefined ? { progressMs: options.progressMs } : {}),
      cancelBatch: (batchId) => void options.engine.call('engine.cancel', { batchId }).catch(() => undefined),
    });
    this.judge = new JudgeClient(options.engine, options.storeDir);
    this.samples = new GradedSamples({
      store: options.store,
      jobs: this.jobs,
      grade: options.grade ?? ((settings, item) => gradeResponse(settings, item, { judge: this.judge.ask })),
      limitGrading: limiter(options.gradeConcurrency ?? 4),
      emit: options.emit,
      ...(options.checkpointMs !== undefined ? { checkpointMs: options.checkpointMs } : {}),
    });
    // A restarted engine has no models: forget the one we loaded.
    this.unsubscribeEngine = options.engine.onEvent((message) => {
      if (message.event === 'engine.state' && (message.data as { state?: string }).state !== 'ready')
        this.loaded = null;
    });
  }

  /** Judge replies this runner needed: asked of a model, or found in the judge cache. */
  get judgeReplies(): { asked: number; cached: number } {
    return this.judge.replies;
  }

  /** Starts a run cell; returns once its runs are known (cached, resumed or new). */
  async start(ref: CellRef): Promise<{ jobId: string; runs: JobRun[] }> {
    const notebook = await this.notebookOf(ref);
    const spec = specFromNotebook(notebook, ref.notebookPath, ref.cellId);
    await this.options.store.touchNotebook(spec.notebook.path!, notebook.metadata.title);
    return this.launch(spec, null);
  }

  /** Continues a stopped run from its stored settings. */
  async resume(runId: string): Promise<{ jobId: string; runs: JobRun[] }> {
    const record = this.options.store.get(runId);
    return this.launch(specFromRun(record), record);
  }

  cancel(jobId: string): boolean {
    return this.jobs.cancel(jobId);
  }

  wait(jobId: string): Promise<JobOutcome> {
    return this.jobs.wait(jobId);
  }

  activeJobs(): ReturnType<Jobs['active']> {
    return this.jobs.active();
  }

  /** The stored runs matching a cell's current settings, without reading model or dataset files. */
  async lookup(ref: CellRef): Promise<RunRecord[]> {
    const notebook = await this.notebookOf(ref);
    const spec = specFromNotebook(notebook, ref.notebookPath, ref.cellId);
    const found: RunRecord[] = [];
    for (const strategy of spec.strategies) {
      const settings = runSettingsOf(spec, strategy);
      if (!settings) continue;
      const matches = this.options.store.list({ settingsKey: settingsKeyOf(settings) });
      const best = matches.find((r) => r.status === 'complete') ?? matches[0];
      if (best) found.push(best);
    }
    return found;
  }

  /** Generates a stored run's samples again (nothing stored) and compares them token by token. */
  async rerunDiff(runId: string, limit?: number): Promise<SampleDiff> {
    await this.backfillGenerationKeys();
    const record = this.options.store.get(runId);
    const plan = await this.plan(specFromRun(record));
    const planned = plan.runs[0]!;
    // What is compared is generation: a regrading or newer grading rules change nothing here.
    if (planned.generationKey !== record.generationKey) {
      throw new ApiError(
        'inputs-changed',
        `run ${runId}: its model or dataset changed since it ran (generation key differs); nothing to compare`,
      );
    }
    const files = await this.options.store.runFiles(runId);
    const stored = files.records().slice(0, limit ?? Infinity);
    const wanted = new Set(stored.map((s) => s.key));
    // DeepConf's traces after the warm-up are generated again under their stored thresholds.
    const items = itemsAsGenerated(
      planned,
      plan.items.filter((i) => wanted.has(i.key)),
      files.records(),
    );
    const modelId = await this.loadModel(plan);
    const diff: SampleDiff = { runId, compared: 0, identical: 0, differing: [] };
    const comparisons: Array<Promise<void>> = [];
    await this.generate(
      `diff-${randomBytes(4).toString('hex')}`,
      plan,
      [planned],
      modelId,
      items,
      null,
      (item, results) => {
        const result = results[0];
        if (!result || result.stopReason === 'cancelled') return;
        comparisons.push(
          (async () => {
            const difference = firstDifference(result.segments, (await files.readTrajectory(item.key)).segments);
            diff.compared++;
            if (difference === null) diff.identical++;
            else diff.differing.push({ key: item.key, ...difference });
          })(),
        );
      },
    );
    await Promise.all(comparisons);
    diff.differing.sort((a, b) => (files.get(a.key)?.index ?? 0) - (files.get(b.key)?.index ?? 0));
    return diff;
  }

  async close(): Promise<void> {
    await this.jobs.cancelAll();
    this.unsubscribeEngine();
    if (this.loaded) {
      const { modelId } = this.loaded;
      this.loaded = null;
      await this.options.engine.call('engine.unloadModel', { modelId }).catch(() => undefined);
    }
  }

  private async notebookOf(ref: CellRef): Promise<Notebook> {
    return ref.notebook ?? readValidNotebook(ref.notebookPath);
  }

  private plan(spec: RunSpec): Promise<Plan> {
    return preparePlan(spec, {
      engine: this.options.engine,
      storeDir: this.options.storeDir,
      onDatasetProgress: (p) => this.options.emit('dataset.progress', p),
    });
  }

  private async launch(spec: RunSpec, resuming: RunRecord | null): Promise<{ jobId: string; runs: JobRun[] }> {
    await this.backfillGenerationKeys();
    const plan = await this.plan(spec);
    if (resuming && plan.runs[0]!.cacheKey !== resuming.cacheKey) {
      const why =
        plan.runs[0]!.generationKey === resuming.generationKey
          ? 'the grading rules changed since it started'
          : 'its model or dataset changed since it started';
      throw new ApiError(
        'inputs-changed',
        `run ${resuming.id}: ${why}, so it cannot be resumed; run the cell again (what is stored is graded again, not generated again)`,
      );
    }
    const store = this.options.store;
    const hardware = await this.options.engine.call('engine.hardware', {});
    const provenance = provenanceOf(plan, hardware, this.options.appVersion);
    const jobRuns: JobRun[] = [];
    const records: RunRecord[] = [];
    const units: WorkUnit[] = [];
    for (const planned of plan.runs) {
      const existing = resuming ?? store.findReusable(planned.cacheKey);
      if (existing && this.jobs.busyRuns.has(existing.id)) {
        throw new ApiError('run-busy', `run ${existing.id} (${existing.label}) is already running`);
      }
      let record: RunRecord;
      let origin: JobRun['origin'];
      if (existing) {
        record = existing;
        origin = existing.status === 'complete' ? 'cached' : 'resumed';
      } else {
        // Samples with the same trajectories under another grader are graded, not generated, again.
        const source = this.generationSource(planned.generationKey);
        record = await store.createRun({
          cacheKey: planned.cacheKey,
          settingsKey: planned.settingsKey,
          generationKey: planned.generationKey,
          regradeOf: source?.id ?? null,
          notebook: spec.notebook,
          label: planned.label,
          variant: planned.variant,
          planned: plan.items.length,
          settings: planned.settings,
          provenance: withGrading(source?.provenance ?? provenance, source),
        });
        origin = source ? 'regraded' : 'new';
      }
      records.push(record);
      jobRuns.push({ runId: record.id, label: record.label, origin });
      // Two equal strategies in one cell are one run: generate and store its samples once.
      if (origin !== 'cached' && !units.some((u) => u.record.id === record.id)) {
        const source = record.regradeOf ? store.list().find((r) => r.id === record.regradeOf) : undefined;
        units.push({ record, planned, source: source ?? null, items: plan.items });
      }
    }
    const runIds = [...new Set(records.map((r) => r.id))];
    const job = this.jobs.start(
      spec.notebook.cellId,
      runIds,
      runIds.length * plan.items.length,
      units.map((u) => u.record.id),
      (job) => this.execute(job, plan, records, units),
    );
    return { jobId: job.id, runs: jobRuns };
  }

  /**
   * Grades stored runs again (their trajectories, no generation): each gets a new run beside it
   * with the grader in its settings and the source run in its provenance. Runs already graded
   * so are reused; stopped regradings continue.
   */
  async regrade(runIds: string[], grader?: GraderSettings): Promise<{ jobId: string; runs: JobRun[] }> {
    await this.backfillGenerationKeys();
    const store = this.options.store;
    const jobRuns: JobRun[] = [];
    const units: WorkUnit[] = [];
    const records: RunRecord[] = [];
    for (const runId of runIds) {
      const source = store.get(runId);
      if (!source.generationKey || !source.provenance) {
        throw new ApiError(
          'not-regradable',
          `run ${runId}: it has no provenance, so its trajectories cannot be matched to a dataset`,
        );
      }
      const settings = { ...source.settings, grader: graderSettings.parse(grader ?? source.settings.grader) };
      const spec = { ...specFromRun(source), grader: settings.grader };
      const { dataset, items } = await prepareItems(spec, {
        engine: this.options.engine,
        storeDir: this.options.storeDir,
        onDatasetProgress: (p) => this.options.emit('dataset.progress', p),
      });
      if (dataset.fingerprint !== source.provenance.dataset.fingerprint) {
        throw new ApiError(
          'inputs-changed',
          `run ${runId}: its dataset (${dataset.description}) changed since it ran, so its samples cannot be graded against it`,
        );
      }
      const cacheKey = cacheKeyOf(source.generationKey, settings.grader);
      const existing = store.findReusable(cacheKey);
      if (existing && this.jobs.busyRuns.has(existing.id)) {
        throw new ApiError('run-busy', `run ${existing.id} (${existing.label}) is already running`);
      }
      const record =
        existing ??
        (await store.createRun({
          cacheKey,
          settingsKey: settingsKeyOf(settings),
          generationKey: source.generationKey,
          regradeOf: source.id,
          notebook: source.notebook,
          label: source.label,
          variant: source.variant,
          planned: items.length,
          settings,
          provenance: withGrading(source.provenance, source),
        }));
      const origin: JobRun['origin'] = record.status === 'complete' ? 'cached' : 'regraded';
      records.push(record);
      jobRuns.push({ runId: record.id, label: record.label, origin });
      if (origin !== 'cached' && !units.some((u) => u.record.id === record.id)) {
        units.push({ record, planned: null, source: record.regradeOf ? store.get(record.regradeOf) : source, items });
      }
    }
    const total = units.reduce((n, u) => n + u.items.length, 0);
    const job = this.jobs.start(
      records[0]!.notebook.cellId,
      [...new Set(records.map((r) => r.id))],
      total,
      units.map((u) => u.record.id),
      (job) => this.execute(job, null, records, units),
    );
    return { jobId: job.id, runs: jobRuns };
  }

  /** The stored run with the most samples of these trajectories that no job is writing. */
  private generationSource(generationKey: string): RunRecord | null {
    return generationSourceOf(this.options.store, generationKey, this.jobs.busyRuns);
  }

  private backfillGenerationKeys(): Promise<void> {
    this.backfill ??= backfillGenerationKeys(this.options.store);
    return this.backfill;
  }

  private async execute(job: Job, plan: Plan | null, records: RunRecord[], units: WorkUnit[]): Promise<JobOutcome> {
    const store = this.options.store;
    let failure: string | null = null;
    const files: RunFiles[] = [];
    // Runs complete with fewer samples than planned: DeepConf's problems settled early.
    const settled = new Set<string>();
    try {
      files.push(...(await Promise.all(units.map((u) => store.runFiles(u.record.id)))));
      job.done = job.total - units.reduce((n, u, i) => n + u.items.length - files[i]!.count, 0);
      job.doneAtStart = job.done;
      await Promise.all(
        units.map((u) => store.updateRun(u.record.id, { status: 'running', error: null, planned: u.items.length })),
      );
      // What another run already holds is graded from its trajectories; the rest is generated.
      for (const [i, unit] of units.entries()) {
        if (unit.source && !job.cancelled) await this.samples.regradeInto(job, unit, files[i]!, units, files);
      }
      const planned = units.flatMap((u, i) => (u.planned ? [{ unit: u, files: files[i]! }] : []));
      // DeepConf runs generate problem by problem, as their traces' confidences say (deepConfRunner.ts).
      const deepConf = planned.filter((g) => g.unit.planned!.settings.strategy.strategy === 'deepconf');
      const generating = planned.filter((g) => !deepConf.includes(g));
      const missing = plan ? plan.items.filter((item) => generating.some((g) => !g.files.has(item.key))) : [];
      if (plan && missing.length > 0 && !job.cancelled) {
        const modelId = await this.loadModel(plan);
        const size = this.options.itemsPerRequest ?? 1024;
        for (let start = 0; start < missing.length && !job.cancelled; start += size) {
          const batchId = `${job.id}-${start / size}`;
          await this.generate(
            batchId,
            plan,
            generating.map((g) => g.unit.planned!),
            modelId,
            missing.slice(start, start + size),
            job,
            (item, results) => this.samples.storeGenerated(job, generating, item, results, units, files),
          );
        }
      }
      if (plan && deepConf.length > 0 && !job.cancelled) {
        const modelId = await this.loadModel(plan);
        const done = await runDeepConf({
          units: deepConf,
          items: plan.items,
          cancelled: () => job.cancelled,
          generate: (batch, run, items, onSample) =>
            this.generate(`${job.id}-deepconf-${batch}`, plan, [run], modelId, items, job, onSample),
          store: (into, item, results) => this.samples.storeGenerated(job, into, item, results, units, files),
          // Problems that settle early never get their other samples: progress and ETA count what may come.
          onRemaining: (traces) => (job.total = job.done + traces),
        });
        for (const id of done) settled.add(id);
      }
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    // Whatever happened, bring every run's record in line with what is durably on disk.
    const finished = await Promise.all(
      units.map(async (u, i) => {
        const f = files[i];
        if (f) await f.flush().catch(() => undefined);
        const count = f?.count ?? u.record.done;
        // DeepConf runs settle with fewer samples than planned; so does a regrading of one.
        const isComplete =
          count >= u.items.length ||
          settled.has(u.record.id) ||
          (!u.planned && u.source?.status === 'complete' && count >= u.source.done);
        return store.updateRun(u.record.id, {
          done: count,
          summary: f && count > 0 ? summarizeRun(f.records(), u.record.settings.samples) : u.record.summary,
          status: isComplete ? 'complete' : 'stopped',
          error: isComplete
            ? null
            : (failure ??
              (job.cancelled
                ? 'cancelled'
                : u.planned
                  ? 'stopped before all samples were generated'
                  : `its source run ${u.source?.id} holds ${count} of the ${u.items.length} samples: resume that run, then regrade`)),
          finishedAt: isComplete ? new Date().toISOString() : null,
        });
      }),
    );
    this.jobs.emitProgress(job, true);
    const runs = records.map((r) => finished.find((f) => f.id === r.id) ?? r);
    const state: JobOutcome['state'] = runs.every((r) => r.status === 'complete')
      ? 'complete'
      : failure
        ? 'failed'
        : 'stopped';
    const error = state === 'complete' ? null : (failure ?? (job.cancelled ? 'cancelled' : 'stopped'));
    this.jobs.emitState(job, state, error);
    return { jobId: job.id, cellId: job.cellId, state, error, runs };
  }

  /**
   * Grades the samples a unit's source run holds and the unit lacks, reading the source's
   * trajectories in file order, and stores them in the unit's run a chunk at a time.
   */
  /**
   * One engine.generate request. Samples arrive as `engine.sample` events while it runs; the
   * request's answer comes after the last of them. Every handler started is awaited before
   * returning, and an engine failure is rethrown after them (finished samples are kept).
   */
  private async generate(
    batchId: string,
    plan: Plan,
    runs: PlannedRun[],
    modelId: string,
    items: Array<PlannedItem & { stopBelowConfidence?: number }>,
    job: Job | null,
    onSample: (item: PlannedItem, results: Array<SampleResult | undefined>) => Promise<void> | void,
  ): Promise<void> {
    const byKey = new Map(items.map((i) => [i.key, i]));
    const strategies = runs.map((r) => r.settings.strategy);
    const pending = new Set<Promise<void>>();
    let handlerError: unknown = null;
    const unsubscribe = this.options.engine.onEvent((message: EventMessage) => {
      const data = message.data as { batchId?: string };
      if (data?.batchId !== batchId) return;
      if (message.event === 'engine.progress' && job) {
        job.tokensPerSecond = (message.data as { tokensPerSecond: number }).tokensPerSecond;
      } else if (message.event === 'engine.sample') {
        const sample = message.data as { key: string; results: unknown[] };
        const item = byKey.get(sample.key);
        if (!item) return;
        const results = byStrategyIndex(
          sample.results.map((r) => sampleResult.parse(r)),
          strategies.length,
        );
        const task: Promise<void> = Promise.resolve()
          .then(() => onSample(item, results))
          .catch((error: unknown) => {
            handlerError ??= error;
          })
          .finally(() => pending.delete(task));
        pending.add(task);
      }
    });
    if (job) job.batchId = batchId;
    let requestError: unknown = null;
    try {
      await this.options.engine.call('engine.generate', {
        batchId,
        modelId,
        prompt: plan.spec.prompt,
        strategies,
        sampling: plan.spec.sampling,
        signals: plan.spec.signals,
        items: items.map((i) => ({
          key: i.key,
          problemId: i.problemId,
          sampleIndex: i.sampleIndex,
          message: i.message,
          ...(i.stopBelowConfidence !== undefined ? { stopBelowConfidence: i.stopBelowConfidence } : {}),
        })),
        // A re-run diff is never watched live.
        streamTokens: job !== null && (this.options.streamTokens ?? false),
      });
    } catch (error) {
      requestError = error;
    } finally {
      unsubscribe();
      if (job) job.batchId = null;
    }
    while (pending.size > 0) await Promise.all([...pending]);
    if (requestError) {
      const message = requestError instanceof Error ? requestError.message : String(requestError);
      throw new Error(`${message}; the samples finished before are stored, resume the run to continue`);
    }
    if (handlerError) throw handlerError;
  }

  private async loadModel(plan: Plan): Promise<string> {
    const model = { ...plan.spec.model, source: plan.modelPath };
    // Signals are asked for per request: changing them never reloads the model.
    const { signals: _signals, ...identity } = model;
    const key = canonicalJson(identity);
    if (this.loaded?.key === key) return this.loaded.modelId;
    if (this.loaded) {
      const previous = this.loaded.modelId;
      this.loaded = null;
      await this.options.engine.call('engine.unloadModel', { modelId: previous }).catch(() => undefined);
    }
    const loaded = await this.options.engine.call('engine.loadModel', { model });
    this.loaded = { key, modelId: loaded.modelId };
    return loaded.modelId;
  }
}
