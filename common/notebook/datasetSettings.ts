import { z } from 'zod';

/** Dataset file formats the importer reads. */
export const datasetFormat = z
  .enum(['jsonl', 'json', 'csv', 'parquet'])
  .describe('File format; guessed from the extension when left out (.jsonl/.ndjson, .json, .csv, .parquet).');
export type DatasetFormat = z.infer<typeof datasetFormat>;

/**
 * Which column of the source holds each field of a problem. Unmapped fields are looked up under
 * their own name (`problem`, `answer`, `choices`, `tests`, `id`); every column also stays
 * available to the prompt template as a {{variable}}.
 */
export const fieldMap = z
  .object({
    problem: z.string().min(1).optional().describe('Column with the problem text (default "problem").'),
    answer: z.string().min(1).optional().describe('Column with the gold answer (default "answer").'),
    choices: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(2)])
      .optional()
      .describe(
        'Column holding a list of options, or several columns that each hold one option (the first is the correct one when there is no answer column).',
      ),
    tests: z.string().min(1).optional().describe('Column with the tests of a code problem (default "tests").'),
    id: z
      .string()
      .min(1)
      .optional()
      .describe('Column with a unique problem id (default "id"; the row number when absent).'),
  })
  .strict();
export type FieldMap = z.infer<typeof fieldMap>;

const common = {
  map: fieldMap.default({}).describe('Which source column holds each field.'),
  answerAfter: z
    .string()
    .min(1)
    .optional()
    .describe('Keep only the text after the last occurrence of this marker in the answer (GSM8K: "####").'),
  limit: z.number().int().min(1).optional().describe('Use only the first N problems (after import).'),
};

export const fileDatasetSource = z
  .object({
    from: z.literal('file').describe("A local file; a relative path is resolved against the notebook's folder."),
    path: z.string().min(1).describe('Path of the dataset file, e.g. "datasets/oracle.jsonl".'),
    format: datasetFormat.optional(),
    ...common,
  })
  .strict();

export const huggingFaceDatasetSource = z
  .object({
    from: z
      .literal('huggingface')
      .describe(
        "A Hugging Face dataset, downloaded once into the store's cache as the Hub's Parquet conversion of the split.",
      ),
    repo: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)?$/, 'expected a dataset id such as "openai/gsm8k"')
      .describe('Dataset id, e.g. "openai/gsm8k".'),
    config: z.string().min(1).default('default').describe('Dataset configuration (subset), e.g. "main".'),
    split: z.string().min(1).default('test').describe('Split, e.g. "test".'),
    gated: z
      .boolean()
      .default(false)
      .describe("The dataset needs the user's access token (HF_TOKEN); it is never stored in the notebook."),
    ...common,
  })
  .strict();

export const datasetPresetNames = [
  'math-500',
  'gsm8k',
  'aime-2024',
  'gpqa-diamond',
  'humaneval',
  'mbpp',
  'livecodebench',
] as const;
export const datasetPresetName = z.enum(datasetPresetNames);
export type DatasetPresetName = z.infer<typeof datasetPresetName>;

export const presetDatasetSource = z
  .object({
    from: z
      .literal('preset')
      .describe('A benchmark the workbench knows: its Hugging Face location, field mapping and grader.'),
    preset: datasetPresetName.describe(
      'math-500, gsm8k, aime-2024, gpqa-diamond (gated), humaneval, mbpp or livecodebench.',
    ),
    limit: common.limit,
  })
  .strict();

/** Where a dataset cell's problems come from. */
export const datasetSource = z.discriminatedUnion('from', [
  fileDatasetSource,
  huggingFaceDatasetSource,
  presetDatasetSource,
]);
export type DatasetSource = z.infer<typeof datasetSource>;
export type DatasetSourceInput = z.input<typeof datasetSource>;

/** One problem after import: the mapped fields, plus every source column for the prompt template. */
export const datasetRow = z.object({
  id: z.string(),
  problem: z.string(),
  answer: z.string().nullable(),
  choices: z.array(z.string()).nullable(),
  /** Tests of a code problem, as the source holds them (the code grader reads them). */
  tests: z.unknown().optional(),
  /** Every column of the source row (strings, numbers, lists …), for {{variables}}. */
  fields: z.record(z.string(), z.unknown()),
});
export type DatasetRow = z.infer<typeof datasetRow>;

/** A row the importer could not use, reported by its 1-based line (JSONL/CSV) or record number. */
export const skippedRow = z.object({ line: z.number().int().min(1), error: z.string() });
export type SkippedRow = z.infer<typeof skippedRow>;
