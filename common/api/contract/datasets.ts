import { z } from 'zod';
import { method } from '../method';
import { graderSettings } from '../../grading/graderSettings';
import {
  datasetFormat,
  datasetPresetName,
  datasetRow,
  datasetSource,
  fieldMap,
  huggingFaceDatasetSource,
  skippedRow,
} from '../../notebook/datasetSettings';

export const datasetPreset = z.object({
  name: datasetPresetName,
  title: z.string(),
  description: z.string(),
  source: huggingFaceDatasetSource,
  grader: graderSettings,
  /** Needs the user's Hugging Face token (GPQA-Diamond). */
  gated: z.boolean(),
  /** The problem text must never appear in exported figures or tables (GPQA's terms). */
  redactProblems: z.boolean(),
});
export type DatasetPreset = z.infer<typeof datasetPreset>;

export const loadedDataset = z.object({
  /** sha256 over the mapped rows (not the file bytes): what a run's cache key depends on. */
  fingerprint: z.string(),
  total: z.number().int(),
  columns: z.array(z.string()),
  skipped: z.array(skippedRow),
  offset: z.number().int(),
  rows: z.array(datasetRow),
});
export type LoadedDataset = z.infer<typeof loadedDataset>;

export const datasetMethods = {
  'datasets.import': method({
    params: z
      .object({
        path: z.string().min(1),
        format: datasetFormat.optional(),
        map: fieldMap.default({}),
        answerAfter: z.string().min(1).optional(),
        previewRows: z.number().int().min(0).max(1000).default(20),
      })
      .strict(),
    result: z.object({
      rows: z.number().int(),
      skipped: z.array(skippedRow),
      fingerprint: z.string(),
      columns: z.array(z.string()),
      preview: z.array(datasetRow),
    }),
    doc: 'Reads a JSONL, JSON, CSV or Parquet file with a field mapping; malformed rows are reported by line and the rest imported.',
  }),
  'datasets.preview': method({
    params: z
      .object({
        source: datasetSource,
        /** Relative file paths resolve against this notebook's folder. */
        notebookPath: z.string().nullable().default(null),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(0).max(1000).default(50),
      })
      .strict(),
    result: loadedDataset,
    doc: "A page of a dataset cell's problems (downloading a Hugging Face dataset first when it is not cached; `dataset.progress` events).",
  }),
  'datasets.presets': method({
    params: z.object({}).strict(),
    result: z.object({ presets: z.array(datasetPreset) }),
    doc: 'The benchmarks the workbench knows: MATH-500, GSM8K, AIME 2024, GPQA-Diamond, HumanEval, MBPP, LiveCodeBench.',
  }),
  'datasets.download': method({
    params: z
      .object({
        source: datasetSource,
        /** A Hugging Face token for gated datasets; used for this download only, never stored. */
        token: z.string().min(1).optional(),
      })
      .strict(),
    result: z.object({
      cached: z.boolean(),
      files: z.array(z.string()),
      bytes: z.number().int(),
      rows: z.number().int(),
    }),
    doc: "Downloads a Hugging Face dataset (by id/config/split, or a preset) into the store's cache, with `dataset.progress` events.",
  }),
};

export const datasetEvents = {
  'dataset.progress': z.object({
    /** "hf:repo/config/split". */
    dataset: z.string(),
    file: z.string(),
    receivedBytes: z.number().int(),
    totalBytes: z.number().int().nullable(),
  }),
};
