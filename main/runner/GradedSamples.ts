import type { EventData, EventName } from '../../common/api/contract';
import type { SampleResult } from '../../common/api/contract/generation';
import type { RunRecord } from '../../common/api/contract/runs';
import type { GraderSettings } from '../../common/grading/graderSettings';
import type { grade as gradeResponse, GradeResult } from '../grading';
import type { RunFiles, SampleWithTrajectory } from '../store/RunFiles';
import type { RunStore } from '../store/RunStore';
import { summarizeRun } from '../store/runSummary';
import type { Job, Jobs } from './Jobs';
import type { limiter } from './limiter';
import type { PlannedItem, PlannedRun } from './runPlan';
import { gradeInputOf, regradedSample, storedSample } from './sampleRecord';

export type GradeFunction = (
  settings: GraderSettings,
  item: Parameters<typeof gradeResponse>[1],
) => Promise<GradeResult>;

/** One run a job brings to completion: by grading another run's trajectories, by generating, or both. */
export interface WorkUnit {
  record: RunRecord;
  /** The run's strategy, when samples missing after grading are generated (null: grading only). */
  planned: PlannedRun | null;
  /** A run with the same trajectories whose samples are graded into this one first. */
  source: RunRecord | null;
  items: PlannedItem[];
}

export interface GradedSamplesOptions {
  store: RunStore;
  jobs: Jobs;
  grade: GradeFunction;
  limitGrading: ReturnType<typeof limiter>;
  emit: <E extends EventName>(event: E, data: EventData<E>) => void;
  /** How often the index is brought up to date with a running run (default 5 s). */
  checkpointMs?: number;
}

/**
 * Grade, then store: a sample counts as done only once its graded record is durably in its run's
 * files. Generated samples are graded as they arrive; a regrading grades another run's stored
 * trajectories, read in file order, a chunk at a time.
 */
export class GradedSamples {
  constructor(private readonly options: GradedSamplesOptions) {}

  async regradeInto(job: Job, unit: WorkUnit, into: RunFiles, units: WorkUnit[], files: RunFiles[]): Promise<void> {
    const from = await this.options.store.runFiles(unit.source!.id);
    const byKey = new Map(unit.items.map((item) => [item.key, item]));
    const grader = unit.record.settings.grader;
    // Sandboxed code tests are bounded as during generation; answer graders queue in their worker pool.
    const code = grader.grader === 'code';
    const limit = code ? this.options.limitGrading : <T>(task: () => Promise<T>) => task();
    const chunkSize = code ? 16 : 512;
    const keys = from
      .records()
      .filter((r) => byKey.has(r.key) && !into.has(r.key))
      .map((r) => r.key);
    let chunk: Array<Promise<SampleWithTrajectory>> = [];
    const storeChunk = async () => {
      const samples = await Promise.all(chunk);
      chunk = [];
      await into.append(samples);
      job.done += samples.length;
      for (const sample of samples) {
        this.options.emit('run.sample', { jobId: job.id, runId: unit.record.id, sample: sample.record });
      }
      await this.afterSample(job, units, files);
    };
    for await (const stored of from.readTrajectories(keys)) {
      if (job.cancelled) break;
      const item = byKey.get(stored.record.key)!;
      // The per-token signals go along, so the regrading's trace view shows them too; a damaged
      // block (reported whenever the source run's trace is opened) is left out, not the sample.
      const signals = from.hasSignals(item.key) ? await from.readSignals(item.key).catch(() => undefined) : undefined;
      chunk.push(
        limit(() => this.options.grade(grader, gradeInputOf(item, stored.trajectory.text))).then((grade) =>
          regradedSample(item, { ...stored, signals }, grade),
        ),
      );
      if (chunk.length >= chunkSize) await storeChunk();
    }
    if (chunk.length > 0) await storeChunk();
  }

  async storeGenerated(
    job: Job,
    generating: Array<{ unit: WorkUnit; files: RunFiles }>,
    item: PlannedItem,
    results: Array<SampleResult | undefined>,
    units: WorkUnit[],
    files: RunFiles[],
  ): Promise<void> {
    await Promise.all(
      generating.map(async ({ unit, files: into }, i) => {
        const result = results[i];
        // A sample cut short by a cancel is not a sample: it is generated again on resume.
        if (!result || result.stopReason === 'cancelled' || into.has(item.key)) return;
        const grade = await this.options.limitGrading(() =>
          this.options.grade(unit.record.settings.grader, gradeInputOf(item, result.text)),
        );
        if (into.has(item.key)) return;
        const stored = storedSample(item, result, grade);
        await into.append([stored]);
        job.done++;
        this.options.emit('run.sample', { jobId: job.id, runId: unit.record.id, sample: stored.record });
      }),
    );
    await this.afterSample(job, units, files);
  }

  /** Progress events, and now and then the index brought up to date with what is on disk. */
  private async afterSample(job: Job, units: WorkUnit[], files: RunFiles[]): Promise<void> {
    this.options.jobs.emitProgress(job, false);
    if (performance.now() - job.lastCheckpoint <= (this.options.checkpointMs ?? 5000)) return;
    job.lastCheckpoint = performance.now();
    await Promise.all(
      units.map((u, i) =>
        this.options.store.updateRun(u.record.id, {
          done: files[i]!.count,
          summary: summarizeRun(files[i]!.records(), u.record.settings.samples),
        }),
      ),
    );
  }
}
