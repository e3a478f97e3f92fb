import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InsufficientMemoryError, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import type { LoadedModel, ModelInfo } from '../../../common/api/contract/generation';
import { ApiError } from '../../../common/api/messages';
import type { ModelSettings } from '../../../common/settings/model';
import { parseModelSource } from '../../../common/settings/modelSource';
import { isOpenAiSource } from '../../../common/settings/remoteModel';
import { describeHardware, type HardwareInfo } from '../hardware/hardwareInfo';
import { resolveThreads } from '../hardware/physicalCores';
import { chooseContextThreads } from '../hardware/threads/chooseContextThreads';
import { ThreadCache } from '../hardware/threads/threadCache';
import type { RecheckRule } from '../hardware/threads/threadChoice';
import type { ThreadGovernor } from '../hardware/threads/ThreadGovernor';
import {
  backendOf,
  buildInUse,
  getWorkbenchLlama,
  peekWorkbenchLlama,
  resolveBuildSetting,
  type BuildChoice,
} from '../hardware/workbenchLlama';
import type { AutoNativeBuild } from '../../llama-builds/AutoNativeBuild';
import { describeBuild, type BuildDescription } from '../../llama-builds/describeBuild';
import { FileFingerprints } from '../../fingerprints/fileFingerprint';
import { inspectGguf } from './ggufInspection';
import { downloadModel, type DownloadProgress } from './huggingFaceDownload';
import type { LoadedLocalModel, LoadedModels } from './LoadedLocalModel';
import { assertFits, planModelFit, type MemoryBudget } from './memoryFit';
import { modelError } from './modelErrors';
import type { RemoteBackend } from '../remote/RemoteBackend';
import { RemoteModels } from '../remote/RemoteModels';
import { remoteError } from '../remote/remoteErrors';
import { ensureFixtureFile } from '../../fixtures/fixtureFiles';

export interface ModelRegistryOptions {
  /** Where `hf:` models are downloaded and relative local paths are also looked up. */
  modelsDir: string;
  fingerprints?: FileFingerprints;
  /** Caps the memory a model may use (default: what is free when it loads). */
  memoryBudget?: Partial<MemoryBudget>;
  /** Hugging Face endpoint override (else MODEL_ENDPOINT / HF_ENDPOINT / the real hub). */
  hfEndpoint?: string;
  /**
   * Which llama.cpp build to use when the model cell does not say (the app's setting; default
   * `auto`: a checked native build when there is one, else the prebuilt binary).
   */
  build?: BuildChoice;
  /**
   * The automatic native build (docs/models.md, "Builds"): started in the background at the
   * first model load when the decision is to build. Only the engine process passes one.
   */
  autoBuild?: AutoNativeBuild | null;
  /** Where measured thread counts are cached (default: the workbench cache). */
  threadCacheDir?: string;
  /** When a running model's thread count is re-checked (docs/models.md, "Threads"). */
  threadRecheck?: Partial<RecheckRule>;
  /** API keys of OpenAI-compatible servers, `{ "<base URL>": "<key>" }` (docs/remote.md). */
  remoteKeysFile?: string;
}

export interface LoadOptions {
  signal?: AbortSignal;
  onDownloadProgress?: (progress: DownloadProgress) => void;
}

/**
 * The models loaded in this engine process. Loading checks the file (ggufInspection), estimates
 * memory and refuses what will not fit (memoryFit), then creates the model and ONE context with
 * `parallel` sequences and an explicit thread count. The generation code looks models up by id
 * through the `LoadedModels` seam.
 *
 * A model id is derived from the settings, so loading the same settings twice returns the model
 * already loaded (a re-run of a notebook does not load a second copy).
 */
export class ModelRegistry implements LoadedModels {
  private readonly loaded = new Map<string, LoadedLocalModel>();
  private readonly loading = new Map<string, Promise<LoadedModel>>();
  /** Models on OpenAI-compatible servers (`openai:` sources): connected, not loaded. */
  private readonly remote: RemoteModels;
  private readonly governors = new Map<string, ThreadGovernor>();
  private readonly threadCache: ThreadCache;
  readonly fingerprints: FileFingerprints;

  constructor(private readonly options: ModelRegistryOptions) {
    this.fingerprints = options.fingerprints ?? new FileFingerprints();
    this.threadCache = new ThreadCache(options.threadCacheDir);
    this.remote = new RemoteModels(options.remoteKeysFile ? { keysFile: options.remoteKeysFile } : {});
  }

  get modelsDir(): string {
    return this.options.modelsDir;
  }

  get(modelId: string): LoadedLocalModel {
    const model = this.loaded.get(modelId);
    if (!model) {
      const known = [...this.loaded.keys()];
      throw modelError(
        'unknown-model',
        `no model "${modelId}" is loaded${known.length ? ` (loaded: ${known.join(', ')})` : ' (none is loaded)'}`,
      );
    }
    return model;
  }

  list(): LoadedModel[] {
    return [...[...this.loaded.values()].map((m) => m.description), ...this.remote.list()];
  }

  /** The backend of a model on an OpenAI-compatible server; undefined for local models. */
  remoteBackend(modelId: string): RemoteBackend | undefined {
    return this.remote.backend(modelId);
  }

  async hardware(): Promise<HardwareInfo> {
    const llama = await getWorkbenchLlama({ build: this.appBuild(), replace: this.loaded.size === 0 });
    return { ...(await describeHardware(llama)), build: await this.buildStatus() };
  }

  /** Which build runs and why; with `autoBuild` and `start` (a model load), may start it (docs/models.md, "Builds"). */
  async buildStatus(cellBuild?: BuildChoice, start = false): Promise<BuildDescription> {
    const { setting, from } = resolveBuildSetting(cellBuild, this.options.build);
    const llama = (await peekWorkbenchLlama()) ?? (await getWorkbenchLlama({ build: setting }));
    return describeBuild({
      setting,
      settingFrom: from,
      backend: backendOf(llama),
      inUse: (await buildInUse()) ?? 'prebuilt',
      autoBuild: setting === 'auto' ? this.options.autoBuild : null,
      start,
    });
  }

  /** The thread governor of a model loaded with `threads: "auto"` (undefined otherwise). */
  threadGovernor(modelId: string): ThreadGovernor | undefined {
    return this.governors.get(modelId);
  }

  private appBuild(): BuildChoice {
    return resolveBuildSetting(undefined, this.options.build).setting;
  }

  /** Metadata of a GGUF file without loading weights, with its (cached) sha256. */
  async inspect(file: string): Promise<ModelInfo> {
    const llama = await getWorkbenchLlama({ build: this.appBuild(), replace: this.loaded.size === 0 });
    const inspected = await inspectGguf(this.resolveLocalPath(file), { llama });
    return { ...inspected.info, sha256: await this.fingerprints.sha256(inspected.info.path) };
  }

  load(settings: ModelSettings, options: LoadOptions = {}): Promise<LoadedModel> {
    if (isOpenAiSource(settings.source)) return this.remote.load(settings);
    if (settings.remote) {
      return Promise.reject(
        remoteError('remote-settings', `"remote" settings need an "openai:<URL>" source, not "${settings.source}"`),
      );
    }
    const modelId = modelIdFor(settings);
    const existing = this.loaded.get(modelId);
    if (existing) return Promise.resolve(existing.description);
    let pending = this.loading.get(modelId);
    if (!pending) {
      pending = this.loadNew(modelId, settings, options).finally(() => this.loading.delete(modelId));
      this.loading.set(modelId, pending);
    }
    return pending;
  }

  async unload(modelId: string): Promise<boolean> {
    if (await this.remote.unload(modelId)) return true;
    const model = this.loaded.get(modelId);
    if (!model) return false;
    this.loaded.delete(modelId);
    this.governors.get(modelId)?.dispose();
    this.governors.delete(modelId);
    await model.context.dispose();
    await model.model.dispose();
    return true;
  }

  async dispose(): Promise<void> {
    for (const modelId of [...this.loaded.keys()]) await this.unload(modelId);
    await this.remote.dispose();
  }

  private resolveLocalPath(source: string): string {
    if (path.isAbsolute(source)) return source;
    const inModels = path.resolve(this.options.modelsDir, source);
    return !existsSync(path.resolve(source)) && existsSync(inModels) ? inModels : path.resolve(source);
  }

  private async resolveSource(settings: ModelSettings, options: LoadOptions): Promise<string> {
    const source = parseModelSource(settings.source);
    if (source.kind === 'fixture') {
      return ensureFixtureFile(source.fixture, { directory: path.join(this.options.modelsDir, 'fixtures') });
    }
    if (source.kind !== 'download') return this.resolveLocalPath(settings.source);
    const downloaded = await downloadModel(source.uri, {
      modelsDir: this.options.modelsDir,
      ...(this.options.hfEndpoint ? { endpoint: this.options.hfEndpoint } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onDownloadProgress ? { onProgress: options.onDownloadProgress } : {}),
    });
    return downloaded.path;
  }

  private async loadNew(modelId: string, settings: ModelSettings, options: LoadOptions): Promise<LoadedModel> {
    const file = await this.resolveSource(settings, options);
    const build = resolveBuildSetting(settings.build, this.options.build);
    const llama = await getWorkbenchLlama({
      backend: settings.backend,
      build: build.setting,
      replace: this.loaded.size === 0 && this.loading.size <= 1,
    });
    const inspected = await inspectGguf(file, { llama });
    const threads = resolveThreads(settings.threads);
    // An explicit thread count is the user's decision: lift node-llama-cpp's cap to honour it.
    if (threads > llama.maxThreads) llama.maxThreads = threads;

    const request = {
      gpuLayers: settings.gpuLayers,
      contextSize: settings.contextSize,
      sequences: settings.parallel,
      ...(this.options.memoryBudget ? { budget: this.options.memoryBudget } : {}),
    };
    const plan = await planModelFit(inspected.insights, llama, request);
    assertFits(plan, inspected.info.path, request);

    let model: LlamaModel | null = null;
    let context: LlamaContext;
    try {
      model = await llama.loadModel({ modelPath: inspected.info.path, gpuLayers: plan.gpuLayers });
      context = await model.createContext({
        contextSize: settings.contextSize,
        sequences: settings.parallel,
        threads,
      });
    } catch (error) {
      await model?.dispose().catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof InsufficientMemoryError) {
        throw modelError(
          'model-too-large',
          `${inspected.info.path}: llama.cpp ran out of memory while loading (${reason})`,
        );
      }
      throw new ApiError('model-load-failed', `llama.cpp could not load ${inspected.info.path}: ${reason}`);
    }

    const sha256 = await this.fingerprints.sha256(inspected.info.path);
    const choice = await chooseContextThreads({
      setting: settings.threads,
      llama,
      model,
      context,
      modelSha256: sha256,
      maxThreads: threads,
      cache: this.threadCache,
      ...(this.options.threadRecheck ? { recheck: this.options.threadRecheck } : {}),
    }).catch(async (error: unknown) => {
      await context.dispose();
      await model?.dispose();
      throw error;
    });
    if (choice.governor) this.governors.set(modelId, choice.governor);
    const description: LoadedModel = {
      modelId,
      info: { ...inspected.info, sha256 },
      backend: backendOf(llama),
      gpuLayersOffloaded: model.gpuLayers,
      totalLayers: inspected.insights.totalLayers,
      contextSize: context.contextSize,
      threads: choice.threads,
      threadChoice: { source: choice.source, measured: choice.measured },
      build: await this.buildStatus(settings.build, true),
      parallel: context.totalSequences,
      estimatedBytes: plan.estimated,
    };
    this.loaded.set(modelId, { description, settings, llama, model, context });
    return description;
  }
}

/** "<file name>@<hash of the settings>": stable across runs, distinct per configuration. */
export function modelIdFor(settings: ModelSettings): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        settings.source,
        settings.backend,
        settings.gpuLayers,
        settings.contextSize,
        settings.threads,
        settings.parallel,
      ]),
    )
    .digest('hex')
    .slice(0, 10);
  // "hf:user/Repo-GGUF:Q4_K_M" → "Repo-GGUF-Q4_K_M"; "fixture:oracle" → "oracle";
  // "/models/z1.Q8_0.gguf" → "z1.Q8_0". A scheme has 2+ letters, so "C:\models" keeps its drive.
  const source = settings.source.replace(/^[a-z][a-z0-9.+-]+:\/*/i, '').replace(/[?#].*$/, '');
  const base = (source.split(/[\\/]/).filter(Boolean).pop() ?? 'model').replace(/\.gguf$/i, '').replace(/:/g, '-');
  return `${base}@${hash}`;
}
