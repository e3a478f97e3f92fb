import path from 'node:path';
import type { ModelInfo } from '../../common/api/contract/generation';
import type { RunRecord, RunSettings } from '../../common/api/contract/runs';
import type { GraderSettings } from '../../common/grading/graderSettings';
import type { DatasetRow, DatasetSource } from '../../common/notebook/datasetSettings';
import type { Notebook } from '../../common/notebook/notebookSchema';
import { resolveRunInputs } from '../../common/notebook/validateNotebook';
import type { ModelSettings } from '../../common/settings/model';
import type { PromptSettings } from '../../common/settings/prompt';
import type { SamplingSettings } from '../../common/settings/sampling';
import { signalSettings, type SignalSettings } from '../../common/settings/signals';
import { strategyLabel, type StrategySettings } from '../../common/settings/strategy';
import { expandWindowCell } from '../../common/settings/windowCell';
import { GRADING_RULES_VERSION, presentChoices, problemSeed } from '../grading';
import { DATASET_PRESETS } from '../datasets/datasetPresets';
import { loadDataset, type LoadContext, type ResolvedDataset } from '../datasets/loadDataset';
import { hashOf } from '../store/cacheKey';
import type { EnginePort } from './EnginePort';
import { isDownloadSource, resolveModelSource } from './modelSource';
import { parseModelSource } from '../../common/settings/modelSource';
import { fillTemplate, templateVariables } from '../../common/notebook/promptTemplate';
import { isOpenAiSource, type RemoteServerInfo } from '../../common/settings/remoteModel';

/** Everything a run cell asks for, before any file is read: from a notebook, or from a stored run. */
export interface RunSpec {
  notebook: RunRecord['notebook'];
  /** Relative model and dataset paths resolve against this folder (the notebook's). */
  baseDir: string;
  model: ModelSettings;
  prompt: PromptSettings;
  sampling: SamplingSettings;
  samples: number;
  dataset: DatasetSource;
  /** The dataset cell's grader; null means the preset's own. */
  grader: GraderSettings | null;
  strategies: StrategySettings[];
  /** Per-token signals to compute (the model cell's, recording turned on by the run cell). */
  signals: SignalSettings;
}

/**
 * The signal settings a run uses: the model cell's (absent: summaries, K = 20, groups of 2048),
 * with recording turned on when the run cell asks for it (`recordSignals`).
 */
export function resolveSignals(model: SignalSettings | undefined, recordSignals: boolean | undefined): SignalSettings {
  const settings = model ?? signalSettings.parse({});
  return recordSignals ? { ...settings, mode: 'record' } : settings;
}

export function specFromNotebook(notebook: Notebook, notebookPath: string, cellId: string): RunSpec {
  const { run, inputs } = resolveRunInputs(notebook, cellId);
  const baseDir = path.dirname(path.resolve(notebookPath));
  const grader = inputs.dataset.grader
    ? resolveJudgeCells(inputs.dataset.grader, notebook, baseDir, inputs.dataset.id)
    : null;
  return {
    notebook: { path: path.resolve(notebookPath), cellId, title: run.title ?? null },
    baseDir,
    model: inputs.model.model,
    prompt: inputs.prompt.prompt,
    sampling: run.sampling,
    samples: run.samples,
    dataset: inputs.dataset.dataset,
    grader,
    strategies: expandWindowCell(inputs.window.window),
    signals: resolveSignals(inputs.model.model.signals, run.recordSignals),
  };
}

/**
 * A judge's model and prompt written out in the grader settings: cell ids replaced by the cells'
 * settings, a local model path made absolute. So a run's stored settings say exactly who judged,
 * and a stored run can be regraded without its notebook.
 */
export function resolveJudgeCells(
  grader: GraderSettings,
  notebook: Pick<Notebook, 'cells'>,
  baseDir: string,
  datasetCellId: string,
): GraderSettings {
  if (grader.grader !== 'judge' && grader.grader !== 'rules-then-judge') return grader;
  const judge = grader.grader === 'judge' ? grader : grader.judge;
  const where = `dataset cell "${datasetCellId}": grader${grader.grader === 'judge' ? '' : '.judge'}`;
  let model = judge.model;
  if (typeof model === 'string') {
    const cell = notebook.cells.find((c) => c.id === model);
    if (!cell || cell.type !== 'model') throw new Error(`${where}.model: no model cell with id "${model}"`);
    model = cell.model;
  }
  if (parseModelSource(model.source).kind === 'local')
    model = { ...model, source: path.resolve(baseDir, model.source) };
  let prompt = judge.prompt;
  if (typeof prompt === 'string') {
    const cell = notebook.cells.find((c) => c.id === prompt);
    if (!cell || cell.type !== 'prompt') throw new Error(`${where}.prompt: no prompt cell with id "${prompt}"`);
    prompt = cell.prompt;
  }
  const resolved = { ...judge, model, prompt };
  return grader.grader === 'judge' ? { ...resolved, grader: 'judge' } : { ...grader, judge: resolved };
}

/** A stored run's own settings: resuming or re-running it never depends on the notebook's current state. */
export function specFromRun(record: RunRecord): RunSpec {
  const s = record.settings;
  return {
    notebook: record.notebook,
    baseDir: record.notebook.path ? path.dirname(record.notebook.path) : process.cwd(),
    model: s.model,
    prompt: s.prompt,
    sampling: s.sampling,
    samples: s.samples,
    dataset: s.dataset,
    grader: s.grader,
    strategies: [s.strategy],
    signals: s.signals ?? resolveSignals(s.model.signals, false),
  };
}

export interface PlannedItem {
  key: string;
  /** Position in the plan: problem order, then sample index. */
  index: number;
  problemId: string;
  sampleIndex: number;
  message: string;
  row: DatasetRow;
  /** Multiple choice: the option order shown, and the seed that made it. */
  presentedChoices: string[] | null;
  shuffleSeed: number | null;
}

export interface PlannedRun {
  settings: RunSettings;
  settingsKey: string;
  generationKey: string;
  cacheKey: string;
  label: string;
  variant: RunRecord['variant'];
}

export interface Plan {
  spec: RunSpec;
  dataset: ResolvedDataset;
  grader: GraderSettings;
  /** What the engine loads: an absolute path (fixtures materialised, downloads done). */
  modelPath: string;
  modelInfo: ModelInfo;
  /** Where a model on an inference server runs (provenance). */
  modelServer?: RemoteServerInfo;
  items: PlannedItem[];
  runs: PlannedRun[];
}

/** The grader a spec uses: the dataset cell's, else its preset's (null when neither names one). */
export function graderOf(spec: RunSpec): GraderSettings | null {
  return spec.grader ?? (spec.dataset.from === 'preset' ? DATASET_PRESETS[spec.dataset.preset].grader : null);
}

/** The resolved settings of the run of one strategy of a spec (what its record stores). */
export function runSettingsOf(spec: RunSpec, strategy: StrategySettings): RunSettings | null {
  const grader = graderOf(spec);
  if (!grader) return null;
  return {
    model: spec.model,
    prompt: spec.prompt,
    sampling: spec.sampling,
    strategy,
    samples: spec.samples,
    dataset: spec.dataset,
    grader,
    redactProblems: spec.dataset.from === 'preset' ? DATASET_PRESETS[spec.dataset.preset].redactProblems : false,
    signals: spec.signals,
  };
}

/**
 * Settings without what only decides which signals are computed and kept: signals change no
 * sampled token, so runs that differ only there hold the same samples (and are one run).
 */
function withoutSignals(settings: RunSettings): Omit<RunSettings, 'signals'> {
  const { signals: _signals, ...rest } = settings;
  const { signals: _modelSignals, ...model } = settings.model;
  return { ...rest, model, ...deepConfStopping(settings) };
}

/**
 * Except for DeepConf: it stops traces on their confidences, so whether signals are on, their K
 * and the group size change its samples (recording them or not still does not).
 */
function deepConfStopping(settings: RunSettings): {
  deepConfSignals?: { on: boolean; topK: number; groupSize: number };
} {
  const signals = settings.signals ?? resolveSignals(settings.model.signals, false);
  if (settings.strategy.strategy !== 'deepconf') return {};
  return { deepConfSignals: { on: signals.mode !== 'off', topK: signals.topK, groupSize: signals.groupSize } };
}

/** The key that finds a cell's runs without hashing files: the settings as written (signals aside). */
export function settingsKeyOf(settings: RunSettings): string {
  return hashOf({ key: 'settings/1', ...withoutSignals(settings) });
}

/**
 * The key of a run's trajectories: every input that can change what is generated. The model and
 * dataset enter by content (sha256 of the GGUF, fingerprint of the mapped rows), not by path,
 * so moving a file keeps the cache and editing one never reuses stale samples. The grader is not
 * part of it, except the option order a multiple-choice grader presents (it is in the prompt).
 */
export function generationKeyOf(settings: RunSettings, modelSha256: string, datasetFingerprint: string): string {
  const { source: _source, ...model } = withoutSignals(settings).model;
  const { grader } = settings;
  return hashOf({
    key: 'generation/1',
    model,
    modelSha256,
    prompt: settings.prompt,
    sampling: settings.sampling,
    strategy: settings.strategy,
    ...deepConfStopping(settings),
    samples: settings.samples,
    datasetFingerprint,
    choiceOrder: grader.grader === 'mcq' ? { shuffle: grader.shuffle, seed: grader.seed } : null,
  });
}

/** The key under which graded samples are reused: the trajectories, the grader and its rules' version. */
export function cacheKeyOf(generationKey: string, grader: GraderSettings): string {
  return hashOf({ key: 'graded/1', generationKey, grader, rulesVersion: GRADING_RULES_VERSION });
}

export interface PlanContext {
  engine: EnginePort;
  storeDir: string;
  token?: string | undefined;
  onDatasetProgress?: LoadContext['onProgress'];
  signal?: AbortSignal;
}

/** The dataset and the samples it asks for: what grading needs (no model is read). */
export async function prepareItems(
  spec: RunSpec,
  ctx: PlanContext,
): Promise<{ dataset: ResolvedDataset; grader: GraderSettings; items: PlannedItem[] }> {
  const dataset = await loadDataset(spec.dataset, {
    baseDir: spec.baseDir,
    storeDir: ctx.storeDir,
    token: ctx.token,
    ...(ctx.onDatasetProgress ? { onProgress: ctx.onDatasetProgress } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (dataset.rows.length === 0) throw new Error(`the dataset (${dataset.description}) has no usable problems`);
  const grader = graderOf(spec);
  if (!grader) throw new Error('the dataset cell names no grader (add "grader": {"grader": "math"} or another)');

  const unknown = templateVariables(spec.prompt.template).filter(
    (name) =>
      !['problem', 'answer', 'id', 'choices'].includes(name) &&
      !name.startsWith('choice_') &&
      !dataset.columns.includes(name),
  );
  if (unknown.length > 0) {
    throw new Error(
      `the prompt uses ${unknown.map((n) => `{{${n}}}`).join(', ')}, which the dataset does not have (columns: ${dataset.columns.join(', ')})`,
    );
  }

  const items: PlannedItem[] = [];
  dataset.rows.forEach((row, problemIndex) => {
    let presented: string[] | null = null;
    let shuffleSeed: number | null = null;
    if (row.choices) {
      shuffleSeed = grader.grader === 'mcq' && grader.shuffle ? problemSeed(grader.seed, row.id) : null;
      presented = presentChoices(row.choices, shuffleSeed).choices;
    }
    const { text: message, missing } = fillTemplate(spec.prompt.template, row, presented);
    if (missing.length > 0)
      throw new Error(`the prompt uses {{${missing[0]}}}, which problem "${row.id}" does not have`);
    for (let sampleIndex = 0; sampleIndex < spec.samples; sampleIndex++) {
      items.push({
        key: `${row.id}#${sampleIndex}`,
        index: problemIndex * spec.samples + sampleIndex,
        problemId: row.id,
        sampleIndex,
        message,
        row,
        presentedChoices: presented,
        shuffleSeed,
      });
    }
  });
  return { dataset, grader, items };
}

/** Reads the dataset, materialises the model and fingerprints both: what a run needs before it starts. */
export async function preparePlan(spec: RunSpec, ctx: PlanContext): Promise<Plan> {
  const { dataset, grader, items } = await prepareItems(spec, ctx);
  const { modelPath, modelInfo, modelServer } = await resolvePlannedModel(spec, ctx);

  const runs = spec.strategies.map((strategy, index): PlannedRun => {
    const settings = runSettingsOf(spec, strategy)!;
    const generationKey = generationKeyOf(settings, modelInfo.sha256, dataset.fingerprint);
    return {
      settings,
      settingsKey: settingsKeyOf(settings),
      generationKey,
      cacheKey: cacheKeyOf(generationKey, settings.grader),
      label: strategyLabel(strategy),
      variant: { index, of: spec.strategies.length },
    };
  });
  return { spec, dataset, grader, modelPath, modelInfo, ...(modelServer ? { modelServer } : {}), items, runs };
}

/**
 * The model file a plan runs and what it says about itself (its fingerprint keys the cache). A
 * model on an inference server has no file: the server describes it when connected.
 */
async function resolvePlannedModel(
  spec: RunSpec,
  ctx: PlanContext,
): Promise<{ modelPath: string; modelInfo: ModelInfo; modelServer?: RemoteServerInfo }> {
  if (isOpenAiSource(spec.model.source)) {
    // Connecting is cheap and the registry keys a server model by URL and name, so the runner's
    // own load later gets this same connection.
    const loaded = await ctx.engine.call('engine.loadModel', { model: spec.model });
    return {
      modelPath: spec.model.source,
      modelInfo: loaded.info,
      ...(loaded.remote ? { modelServer: loaded.remote } : {}),
    };
  }
  let modelPath = await resolveModelSource(spec.model.source, { baseDir: spec.baseDir, storeDir: ctx.storeDir });
  if (isDownloadSource(modelPath)) {
    const downloaded = await ctx.engine.call('engine.downloadModel', {
      source: modelPath,
      downloadId: `run:${modelPath}`,
    });
    modelPath = downloaded.path;
  }
  return { modelPath, modelInfo: await ctx.engine.call('engine.inspectModel', { path: modelPath }) };
}
