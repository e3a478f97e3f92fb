import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { GraderSettings } from '../../common/grading/graderSettings';
import type { DatasetRow, DatasetSource, FieldMap, SkippedRow } from '../../common/notebook/datasetSettings';
import { DATASET_PRESETS, type PresetDefinition } from './datasetPresets';
import { downloadSplit, huggingFaceToken, type DownloadProgress } from './huggingFaceDownload';
import { datasetFingerprint, mapRecords, type MappedDataset } from './mapRows';
import { readDatasetFile, type SourceRecord } from './readDatasetFile';

export interface ResolvedDataset extends MappedDataset {
  /** e.g. "file datasets/oracle.jsonl" or "hf:openai/gsm8k/main/test". */
  description: string;
  /** A preset's own grader (a dataset cell's grader replaces it). */
  presetGrader: GraderSettings | null;
  redactProblems: boolean;
}

export interface LoadContext {
  /** Folder that relative file paths are resolved against (the notebook's). */
  baseDir: string;
  storeDir: string;
  token?: string | undefined;
  onProgress?: (progress: DownloadProgress & { dataset: string }) => void;
  signal?: AbortSignal;
}

const cache = new Map<string, { stamp: string; dataset: ResolvedDataset }>();

/** Loads a dataset cell's problems (a file, a Hugging Face split or a preset), mapped and limited. */
export async function loadDataset(source: DatasetSource, ctx: LoadContext): Promise<ResolvedDataset> {
  if (source.from === 'file') {
    const file = path.resolve(ctx.baseDir, source.path);
    const info = await stat(file).catch(() => {
      throw new Error(`dataset file not found: ${file}`);
    });
    const key = JSON.stringify([file, source]);
    const stamp = `${info.size}:${info.mtimeMs}`;
    const hit = cache.get(key);
    if (hit?.stamp === stamp) return hit.dataset;
    const records = await readDatasetFile(file, source.format);
    const dataset = finish(
      records,
      { map: source.map, answerAfter: source.answerAfter, limit: source.limit },
      `file ${source.path}`,
      null,
    );
    cache.set(key, { stamp, dataset });
    return dataset;
  }
  const preset: PresetDefinition | null = source.from === 'preset' ? DATASET_PRESETS[source.preset] : null;
  const hf = preset ? preset.source : source.from === 'huggingface' ? source : null;
  if (!hf) throw new Error('unknown dataset source');
  const description = `hf:${hf.repo}/${hf.config}/${hf.split}`;
  const token = huggingFaceToken(ctx.token);
  if (hf.gated && !token) {
    throw new Error(
      `${hf.repo} is gated: it needs your Hugging Face token (set HF_TOKEN, after accepting the dataset's terms on the Hub)`,
    );
  }
  const downloaded = await downloadSplit(ctx.storeDir, hf, {
    token,
    onProgress: (p) => ctx.onProgress?.({ ...p, dataset: description }),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const records: SourceRecord[] = [];
  for (const file of downloaded.files) {
    const offset = records.length;
    for (const record of await readDatasetFile(file, 'parquet'))
      records.push({ ...record, line: record.line + offset });
  }
  const limit = source.limit ?? (source.from === 'huggingface' ? source.limit : undefined);
  return finish(
    records,
    { map: hf.map, answerAfter: hf.answerAfter, limit },
    preset ? `${preset.title} (${description})` : description,
    preset,
  );
}

function finish(
  records: SourceRecord[],
  options: { map: FieldMap; answerAfter?: string | undefined; limit?: number | undefined },
  description: string,
  preset: PresetDefinition | null,
): ResolvedDataset {
  const mapped = mapRecords(records, options);
  let rows: DatasetRow[] = mapped.rows;
  let lines = mapped.lines;
  const skipped: SkippedRow[] = [...mapped.skipped];
  if (preset?.finish) {
    const finished: DatasetRow[] = [];
    const finishedLines: number[] = [];
    rows.forEach((row, i) => {
      try {
        finished.push(preset.finish!(row));
        finishedLines.push(mapped.lines[i]!);
      } catch (error) {
        skipped.push({ line: mapped.lines[i]!, error: (error as Error).message });
      }
    });
    rows = finished;
    lines = finishedLines;
  }
  if (options.limit !== undefined) {
    rows = rows.slice(0, options.limit);
    lines = lines.slice(0, options.limit);
  }
  return {
    rows,
    skipped,
    columns: mapped.columns,
    lines,
    fingerprint: rows === mapped.rows ? mapped.fingerprint : datasetFingerprint(rows),
    description,
    presetGrader: preset?.grader ?? null,
    redactProblems: preset?.redactProblems ?? false,
  };
}
