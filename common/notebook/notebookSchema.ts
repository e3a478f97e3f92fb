import { z } from 'zod';
import { graderSettings } from '../grading/graderSettings';
import { modelSettings } from '../settings/model';
import { promptSettings } from '../settings/prompt';
import { samplingSettings } from '../settings/sampling';
import { windowCellSettings } from '../settings/windowCell';
import { datasetSource } from './datasetSettings';

/** The `format` marker of every `*.z1.json` file, so a tool can tell it from other JSON. */
export const NOTEBOOK_FORMAT = 'z1-notebook';
/** The version this build writes; older files are migrated forward on open (see migrateNotebook). */
export const NOTEBOOK_VERSION = 1;

export const cellId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected a cell id of letters, digits, "_", "." or "-" (at most 64)')
  .describe('Unique id of the cell in this notebook; run cells and plots refer to cells by it.');

/** A reference to another cell; left out, the nearest cell of that type above is meant. */
const cellRef = (type: string) =>
  cellId.optional().describe(`Id of the ${type} cell to use; left out, the nearest ${type} cell above this one.`);

/** Free-form state a front end keeps with a cell (collapsed, editor height …), as in Jupyter. */
const cellMetadata = z
  .record(z.string(), z.unknown())
  .default({})
  .describe('Front-end state of the cell; ignored by the runner.');

/** Text stored as a list of lines (Jupyter's habit) diffs line by line; a single string is accepted too. */
export const multilineText = z
  .union([z.string(), z.array(z.string())])
  .describe('Text, as one string or a list of lines.');

export const markdownCell = z
  .object({ type: z.literal('markdown'), id: cellId, metadata: cellMetadata, source: multilineText })
  .strict();

export const modelCell = z
  .object({
    type: z.literal('model'),
    id: cellId,
    metadata: cellMetadata,
    model: modelSettings.describe(
      'The model. `source` is a .gguf path (relative to the notebook), an "hf:user/repo:QUANT" URI, or "fixture:oracle" / "fixture:stochastic" (test models the workbench builds itself).',
    ),
  })
  .strict();

export const datasetCell = z
  .object({
    type: z.literal('dataset'),
    id: cellId,
    metadata: cellMetadata,
    dataset: datasetSource,
    grader: graderSettings
      .optional()
      .describe('How answers are graded; a preset brings its own grader, which this replaces when given.'),
  })
  .strict();

export const promptCell = z
  .object({ type: z.literal('prompt'), id: cellId, metadata: cellMetadata, prompt: promptSettings })
  .strict();

export const windowCell = z
  .object({
    type: z.literal('window'),
    id: cellId,
    metadata: cellMetadata,
    window: windowCellSettings.describe(
      'One strategy, a sweep (a list of counts, e.g. "window": [512, 1024]) or a list of strategies side by side.',
    ),
  })
  .strict();

export const runCell = z
  .object({
    type: z.literal('run'),
    id: cellId,
    metadata: cellMetadata,
    title: z.string().optional().describe('A name for the runs of this cell in tables and legends.'),
    model: cellRef('model'),
    dataset: cellRef('dataset'),
    prompt: cellRef('prompt'),
    window: cellRef('window'),
    samples: z.number().int().min(1).max(1024).default(1).describe('Samples per problem (k of pass@k / maj@k).'),
    sampling: samplingSettings
      .default(samplingSettings.parse({}))
      .describe('Temperature, top-k/p, min-p and the run seed.'),
    recordSignals: z
      .boolean()
      .optional()
      .describe(
        "Record every token's signals (log-probability, entropy, DeepConf confidence) for the trace view, whatever the model cell's signals mode. Samples do not change, so a run already stored is reused as it is (without per-token signals); change the seed or clear the run to record them.",
      ),
  })
  .strict();

export const plotKind = z
  .enum(['accuracy-vs-window', 'thinking-histogram', 'thinking-vs-window', 'accuracy-by-run', 'efficiency-frontier'])
  .describe(
    '"accuracy-vs-window": the test-time-scaling curve; "thinking-histogram": thinking tokens per sample; "thinking-vs-window": mean thinking tokens against W; "accuracy-by-run": bars per run; "efficiency-frontier": accuracy against every generated token per problem, one point per run, the Pareto front marked, and the tokens saved at equal accuracy against unbounded and maj@k runs.',
  );

export const thinkingCount = z
  .enum(['phase1', 'delimited'])
  .describe(
    '"phase1": tokens generated before the window cut (Z1\'s count); "delimited": tokens before the model\'s own </think>.',
  );

export const plotCell = z
  .object({
    type: z.literal('plot'),
    id: cellId,
    metadata: cellMetadata,
    plot: z
      .object({
        kind: plotKind,
        runs: z.array(cellId).min(1).describe('Ids of the run cells whose stored runs are drawn.'),
        thinkingCount: thinkingCount.default('phase1'),
        title: z
          .string()
          .optional()
          .describe('Shown over the figure, used in exported file names, and drawn into exports on request.'),
        panels: z
          .array(cellId)
          .min(1)
          .optional()
          .describe(
            'Ids of other plot cells drawn beside this one in one exported figure, as panels (b), (c) … with a shared legend (this cell is (a)).',
          ),
      })
      .strict(),
  })
  .strict();

export const cellTypes = ['markdown', 'model', 'dataset', 'prompt', 'window', 'run', 'plot'] as const;
export type CellType = (typeof cellTypes)[number];

export const notebookCell = z.discriminatedUnion('type', [
  markdownCell,
  modelCell,
  datasetCell,
  promptCell,
  windowCell,
  runCell,
  plotCell,
]);
export type NotebookCell = z.infer<typeof notebookCell>;
export type NotebookCellInput = z.input<typeof notebookCell>;

/** The schema of each cell type, by type (for per-cell editors and their JSON Schemas). */
export const cellSchemas = {
  markdown: markdownCell,
  model: modelCell,
  dataset: datasetCell,
  prompt: promptCell,
  window: windowCell,
  run: runCell,
  plot: plotCell,
} as const satisfies Record<CellType, z.ZodType>;

export const notebookMetadata = z
  .object({
    title: z.string().default('Untitled').describe('Shown in the window title and in exports.'),
    description: z.string().optional(),
    authors: z.array(z.string()).optional(),
  })
  .catchall(z.unknown());

/** A `*.z1.json` file: plain JSON, a version, metadata and an ordered list of cells (after nbformat). */
export const notebookFile = z
  .object({
    format: z.literal(NOTEBOOK_FORMAT).describe('Always "z1-notebook".'),
    version: z.literal(NOTEBOOK_VERSION).describe('Format version of the file.'),
    metadata: notebookMetadata.default({ title: 'Untitled' }),
    cells: z.array(notebookCell),
  })
  .strict();
export type Notebook = z.infer<typeof notebookFile>;
export type NotebookInput = z.input<typeof notebookFile>;
export type RunCell = z.infer<typeof runCell>;
export type PlotCell = z.infer<typeof plotCell>;
export type ModelCell = z.infer<typeof modelCell>;
export type DatasetCell = z.infer<typeof datasetCell>;
export type PromptCell = z.infer<typeof promptCell>;
export type WindowCell = z.infer<typeof windowCell>;
