import type { RunComparison, RunRecord, SampleRecord, SampleSignals, Trajectory } from '../../common/api/contract/runs';
import { ApiError } from '../../common/api/messages';
import { writeFileAtomic } from '../store/atomicWrite';
import { compareRuns } from '../store/compareRuns';
import { samplesCsv, samplesJsonl, summaryCsv, summaryLatex, summaryMarkdown } from '../store/exportRuns';
import type { RunStore } from '../store/RunStore';

export interface SampleFilter {
  correct?: boolean | undefined;
  cut?: boolean | undefined;
  outcome?: SampleRecord['outcome'] | undefined;
  problemId?: string | undefined;
}

/** A page of a run's samples in plan order, read from its files (opened once, then cached). */
export async function samplePage(store: RunStore, runId: string, offset: number, limit: number, filter: SampleFilter) {
  const files = await store.runFiles(runId);
  let records: readonly SampleRecord[] = files.records();
  if (
    filter.correct !== undefined ||
    filter.cut !== undefined ||
    filter.outcome !== undefined ||
    filter.problemId !== undefined
  ) {
    records = records.filter(
      (r) =>
        (filter.correct === undefined || r.correct === filter.correct) &&
        (filter.cut === undefined || r.cut === filter.cut) &&
        (filter.outcome === undefined || r.outcome === filter.outcome) &&
        (filter.problemId === undefined || r.problemId === filter.problemId),
    );
  }
  return { total: records.length, offset, samples: records.slice(offset, offset + limit) };
}

export async function trajectoryOf(store: RunStore, runId: string, key: string) {
  const files = await store.runFiles(runId);
  if (!files.has(key)) throw new ApiError('unknown-sample', `run ${runId} has no sample "${key}"`);
  return files.readTrajectory(key);
}

/**
 * A sample's per-token signals with what a trace view marks on them: its segments as token
 * ranges, the token index of the window cut and of each probe.
 */
export async function signalsOf(store: RunStore, runId: string, key: string): Promise<SampleSignals> {
  const files = await store.runFiles(runId);
  if (!files.has(key)) throw new ApiError('unknown-sample', `run ${runId} has no sample "${key}"`);
  if (!files.hasSignals(key)) {
    throw new ApiError(
      'no-signals',
      `run ${runId}: sample "${key}" has no per-token signals (the run did not record them; to record them, set the model cell's signals mode to "record" or the run cell's "recordSignals" to true, then delete this run or change the seed: a run with the same samples is reused as it is)`,
    );
  }
  const [signals, trajectory] = await Promise.all([
    files.readSignals(key).catch((error: Error) => {
      throw new ApiError('signals-damaged', error.message);
    }),
    files.readTrajectory(key),
  ]);
  return { key, tokens: signals.logprob.length, ...signals, ...signalMarks(trajectory) };
}

/** Where a trajectory's phases, window cut and probes lie, in token indices over all its segments. */
export function signalMarks(trajectory: Trajectory): Pick<SampleSignals, 'spans' | 'cutIndex' | 'probes'> {
  const spans: SampleSignals['spans'] = [];
  let at = 0;
  for (const segment of trajectory.segments) {
    spans.push({ phase: segment.phase, inserted: segment.inserted, start: at, end: at + segment.tokens.length });
    at += segment.tokens.length;
  }
  // Counts of thinking tokens (the model's own, as cutAt and probes count them) to token indices.
  const afterThinking = (count: number): number => {
    let seen = 0;
    let last = 0;
    for (const span of spans) {
      if (span.phase !== 'thinking' || span.inserted) continue;
      if (count <= seen + span.end - span.start) return span.start + count - seen;
      seen += span.end - span.start;
      last = span.end;
    }
    return last;
  };
  return {
    spans,
    cutIndex: trajectory.cutAt === null ? null : afterThinking(trajectory.cutAt),
    probes: (trajectory.probes ?? []).map((probe) => ({ ...probe, atIndex: afterThinking(probe.atThinkingToken) })),
  };
}

export async function compareStoredRuns(
  store: RunStore,
  a: string,
  b: string,
  bootstrapSeed: number,
): Promise<RunComparison> {
  const side = async (id: string) => {
    const run = store.get(id);
    return {
      run,
      samples: (await store.runFiles(id)).records(),
      datasetFingerprint: run.provenance?.dataset.fingerprint ?? null,
    };
  };
  return compareRuns(await side(a), await side(b), { bootstrapSeed });
}

export type ExportFormat = 'csv' | 'jsonl' | 'markdown' | 'latex';

/** Samples as CSV/JSONL, summaries as CSV/Markdown/LaTeX; written to `file` when given. */
export async function exportRuns(
  store: RunStore,
  runIds: string[],
  what: 'samples' | 'summary',
  format: ExportFormat,
  file?: string,
): Promise<{ text: string | null; path: string | null; bytes: number }> {
  const runs: RunRecord[] = runIds.map((id) => store.get(id));
  let text: string;
  if (what === 'samples') {
    if (format !== 'csv' && format !== 'jsonl')
      throw new ApiError('invalid-params', 'samples export as csv or jsonl', 'params.format');
    const withSamples = await Promise.all(
      runs.map(async (run) => ({ run, samples: (await store.runFiles(run.id)).records() })),
    );
    text = format === 'csv' ? samplesCsv(withSamples) : samplesJsonl(withSamples);
  } else {
    if (format === 'jsonl')
      throw new ApiError('invalid-params', 'summaries export as csv, markdown or latex', 'params.format');
    // Summaries come from the store: opening the files would only be needed for a run never summarised.
    for (const run of runs) if (!run.summary && run.done > 0) await store.runFiles(run.id);
    text = format === 'csv' ? summaryCsv(runs) : format === 'markdown' ? summaryMarkdown(runs) : summaryLatex(runs);
  }
  const bytes = Buffer.byteLength(text);
  if (file) {
    await writeFileAtomic(file, text);
    return { text: null, path: file, bytes };
  }
  return { text, path: null, bytes };
}
