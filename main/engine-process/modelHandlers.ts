import { disposeWorkbenchLlama, downloadModel, ModelRegistry, SUGGESTED_MODELS, API_KEYS_FILE_NAME } from '../engine';
import path from 'node:path';
import type { Handlers } from '../messaging/Dispatcher';
import type { EventHub } from '../messaging/EventHub';
import { ApiError } from '../../common/api/messages';
import { ensureLlamaCppTools } from '../llama-builds/llamaCppTools';
import { buildNativeAddon } from '../llama-builds/nativeAddonBuild';
import { engineAutoBuild } from '../llama-builds/engineAutoBuild';
import type { AutoNativeBuild } from '../llama-builds/AutoNativeBuild';
import { currentNativeAddon, verifyNativeAddon } from '../llama-builds/buildVerification';
import { defaultStoreDir } from '../store/storeDir';

/** Moves the models folder (default: `<store>/models`, the store being Z1WB_STORE or the OS default). */
export const MODELS_DIR_ENV = 'Z1WB_MODELS_DIR';

export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[MODELS_DIR_ENV] ? path.resolve(env[MODELS_DIR_ENV]) : path.join(defaultStoreDir(env), 'models');
}

let processRegistry: ModelRegistry | null = null;

/** The engine process's one model registry (model handlers and generation handlers share it). */
export function engineModelRegistry(): ModelRegistry {
  processRegistry ??= new ModelRegistry({
    modelsDir: defaultModelsDir(),
    remoteKeysFile: path.join(defaultStoreDir(), API_KEYS_FILE_NAME),
    autoBuild: engineAutoBuild(),
  });
  return processRegistry;
}

/**
 * engine.hardware / inspectModel / loadModel / unloadModel, downloads of hf: models with
 * progress and cancel, the suggested models, and the optional native builds.
 */
export function createModelHandlers(
  registry: ModelRegistry,
  events?: EventHub,
  autoBuild: AutoNativeBuild | null = engineAutoBuild(),
): Handlers {
  const downloads = new Map<string, AbortController>();
  const builds = new Map<string, Promise<unknown>>();

  // The automatic native build reports like engine.buildNative does (docs/models.md, "Builds").
  autoBuild?.subscribe((s) =>
    events?.emit('engine.buildProgress', {
      target: 'addon',
      stage: s.stage ?? 'done',
      percent: s.percent,
      line: s.message,
      auto: s.state,
    }),
  );

  const progressOf = (downloadId: string, source: string) => (p: { downloadedBytes: number; totalBytes: number }) =>
    events?.emit('engine.downloadProgress', { downloadId, source, ...p });

  return {
    'engine.hardware': () => registry.hardware(),
    'engine.inspectModel': ({ path: file }) => registry.inspect(file),
    'engine.loadModel': ({ model }) =>
      registry.load(model, { onDownloadProgress: progressOf(`load:${model.source}`, model.source) }),
    'engine.unloadModel': async ({ modelId }) => ({ unloaded: await registry.unload(modelId) }),
    'engine.suggestedModels': () => [...SUGGESTED_MODELS],

    'engine.downloadModel': async ({ source, downloadId }) => {
      if (downloads.has(downloadId))
        throw new ApiError('download-in-progress', `a download with id "${downloadId}" is running`);
      const controller = new AbortController();
      downloads.set(downloadId, controller);
      try {
        const downloaded = await downloadModel(source, {
          modelsDir: registry.modelsDir,
          signal: controller.signal,
          onProgress: progressOf(downloadId, source),
        });
        return { downloadId, path: downloaded.path, fileBytes: downloaded.fileBytes };
      } finally {
        downloads.delete(downloadId);
      }
    },
    'engine.cancelDownload': ({ downloadId }) => {
      const controller = downloads.get(downloadId);
      controller?.abort();
      return { cancelled: controller !== undefined };
    },

    'engine.cancelBuild': () => ({ cancelled: autoBuild?.cancel() ?? false }),

    'engine.buildNative': async ({ target }) => {
      if (builds.has(target)) throw new ApiError('build-in-progress', `a ${target} build is already running`);
      const started = performance.now();
      const onProgress = (p: {
        stage: 'clone' | 'configure' | 'build' | 'done' | 'verify';
        percent: number | null;
        line: string;
      }) => events?.emit('engine.buildProgress', { target, ...p });
      const work = (async (): Promise<{ target: typeof target; active: boolean; paths: Record<string, string> }> => {
        if (target === 'llama-tools') {
          const tools = await ensureLlamaCppTools({ onProgress });
          return { target, active: true, paths: { llamaBench: tools.llamaBench, llamaServer: tools.llamaServer } };
        }
        const status = await buildNativeAddon({ onProgress });
        // Used once it gives the prebuilt binary's tokens (docs/models.md, "Builds").
        onProgress({ stage: 'verify', percent: null, line: 'checking the build against the prebuilt binary' });
        const addon = await currentNativeAddon();
        const check = addon ? await verifyNativeAddon(addon) : null;
        if (!check?.verified)
          throw new ApiError('build-refused', `the native build failed its check: ${check?.problem ?? 'no addon'}`);
        // The binding in use stays until nothing depends on it; with no model loaded, switch now.
        const active = registry.list().length === 0;
        if (active) await disposeWorkbenchLlama();
        return { target, active, paths: { localBuild: status.folder ?? '' } };
      })();
      builds.set(target, work);
      try {
        return { ...(await work), seconds: (performance.now() - started) / 1000 };
      } finally {
        builds.delete(target);
      }
    },
  };
}
