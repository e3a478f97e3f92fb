import { getLlama, LlamaLogLevel, type Llama, type LlamaOptions } from 'node-llama-cpp';
import type { ModelSettings } from '../../../common/settings/model';
import { modelError } from '../models/modelErrors';
import { NATIVE_ADDON_CMAKE_OPTIONS, nativeAddonStatus } from '../../llama-builds/nativeAddonBuild';
import { currentNativeAddon, verificationOf, type AddonIdentity } from '../../llama-builds/buildVerification';
import { defaultThreadCount } from './physicalCores';

/**
 * The ONE llama.cpp binding of the engine process. Models, contexts, memory estimates and
 * benchmarks all go through it, so the thread budget, the backend and the build are decided in
 * one place.
 *
 * - Backend: `auto` lets node-llama-cpp try CUDA, Vulkan (Metal on macOS), then the CPU; an
 *   explicit backend that this machine cannot run is a `backend-unavailable` error.
 * - Build: node-llama-cpp never compiles (`build: 'never'`); the workbench's own automatic build
 *   does, in the background (llama-builds/AutoNativeBuild.ts). With `auto`, a native build of
 *   the addon is used only once it passed its check (same greedy tokens as the prebuilt binary,
 *   llama-builds/buildVerification.ts), and a binding on the prebuilt binary switches to it the
 *   next time nothing is loaded; otherwise the prebuilt binary. `native` uses any finished native
 *   build; `prebuilt` never does. The model cell's `build`, then the registry's, then
 *   `Z1WB_LLAMA_BUILD=prebuilt|native` choose (benchmarks compare both).
 * - Threads: `maxThreads` is the machine's physical cores instead of the library's
 *   max(4, math cores), which on a 2-core VM made decoding 60–200× slower.
 */
export type BackendChoice = ModelSettings['backend'];
export type BuildChoice = 'auto' | 'prebuilt' | 'native';
export type WorkbenchBackend = 'cuda' | 'metal' | 'vulkan' | 'cpu';

export interface WorkbenchLlamaOptions {
  backend?: BackendChoice;
  build?: BuildChoice;
  /**
   * When the binding in use does not match `backend`: dispose it and load the requested one.
   * The model registry allows this only while no model is loaded.
   */
  replace?: boolean;
}

/**
 * A custom cmake option no local build has, so node-llama-cpp finds no local build folder and
 * falls back to its prebuilt binary (it is only hashed into a folder name, never compiled).
 */
const PREBUILT_ONLY_CMAKE_OPTIONS = { Z1WB_PREBUILT_ONLY: 'ON' };

interface Current {
  llama: Llama;
  backend: BackendChoice;
  build: Exclude<BuildChoice, 'auto'>;
}

let current: Promise<Current> | null = null;
const recentLogs: string[] = [];

export function backendOf(llama: Llama): WorkbenchBackend {
  return llama.gpu === false ? 'cpu' : llama.gpu;
}

function buildFromEnv(): BuildChoice {
  const value = process.env.Z1WB_LLAMA_BUILD;
  return value === 'prebuilt' || value === 'native' ? value : 'auto';
}

/** The build asked for and who asked: the model cell, then the registry (app), then Z1WB_LLAMA_BUILD. */
export function resolveBuildSetting(
  cell: BuildChoice | undefined,
  app: BuildChoice | undefined,
): { setting: BuildChoice; from: string } {
  if (cell && cell !== 'auto') return { setting: cell, from: 'the model cell' };
  if (app && app !== 'auto') return { setting: app, from: 'the app settings' };
  const env = buildFromEnv();
  if (env !== 'auto') return { setting: env, from: 'Z1WB_LLAMA_BUILD' };
  return { setting: 'auto', from: 'the default' };
}

/** A finished native build that passed its check (what `auto` uses); null otherwise. */
export async function verifiedNativeAddon(): Promise<AddonIdentity | null> {
  const addon = await currentNativeAddon();
  if (!addon) return null;
  return (await verificationOf(addon))?.verified ? addon : null;
}

/** The build the binding in use runs on; null before one was created. */
export async function buildInUse(): Promise<'native' | 'prebuilt' | null> {
  const have = await current?.catch(() => null);
  return have && !have.llama.disposed ? have.build : null;
}

/** `auto` on the CPU's prebuilt binary while a checked native build exists: switch to it. */
async function switchesToNative(have: Current, build: BuildChoice): Promise<boolean> {
  if (build !== 'auto' || have.build !== 'prebuilt' || have.llama.disposed || backendOf(have.llama) !== 'cpu')
    return false;
  return (await verifiedNativeAddon()) !== null;
}

function matches(have: Current, backend: BackendChoice, build: BuildChoice): boolean {
  const backendOk = backend === 'auto' || backendOf(have.llama) === backend;
  const buildOk = build === 'auto' || build === have.build;
  return backendOk && buildOk;
}

/** Returns the process's Llama, creating it on first use. */
export async function getWorkbenchLlama(options: WorkbenchLlamaOptions = {}): Promise<Llama> {
  const backend = options.backend ?? 'auto';
  const build = options.build ?? buildFromEnv();
  if (current) {
    const have = await current.catch(() => null);
    const upgrade = have !== null && options.replace === true && (await switchesToNative(have, build));
    if (have && !have.llama.disposed && matches(have, backend, build) && !upgrade) return have.llama;
    if (have && !have.llama.disposed) {
      if (!options.replace) {
        throw modelError(
          'backend-conflict',
          `the engine runs llama.cpp on ${backendOf(have.llama)} (${have.llama.buildType} build); ` +
            `switching to ${backend} needs every model unloaded first`,
        );
      }
      await have.llama.dispose();
    }
    current = null;
  }
  const creating = createLlama(backend, build);
  current = creating;
  creating.catch(() => {
    if (current === creating) current = null;
  });
  return (await creating).llama;
}

/** The Llama if one was created already (without creating one). */
export async function peekWorkbenchLlama(): Promise<Llama | null> {
  const have = await current?.catch(() => null);
  return have && !have.llama.disposed ? have.llama : null;
}

/** Frees the binding (e.g. to pick up a fresh native build); the next call creates a new one. */
export async function disposeWorkbenchLlama(): Promise<void> {
  const have = await current?.catch(() => null);
  current = null;
  if (have && !have.llama.disposed) await have.llama.dispose();
}

/** The last warnings and errors llama.cpp printed (for error messages and diagnostics). */
export function recentLlamaLogs(): readonly string[] {
  return recentLogs;
}

async function createLlama(backend: BackendChoice, build: BuildChoice): Promise<Current> {
  const native =
    build === 'prebuilt'
      ? false
      : build === 'native'
        ? (await nativeAddonStatus()).available
        : (await verifiedNativeAddon()) !== null;
  if (build === 'native' && !native) {
    throw modelError(
      'backend-unavailable',
      'no native build of the llama.cpp addon exists on this machine; run engine.buildNative (about 5 minutes) or use the prebuilt binary',
    );
  }
  const options: LlamaOptions = {
    gpu: backend === 'auto' ? 'auto' : backend === 'cpu' ? false : backend,
    build: 'never',
    maxThreads: defaultThreadCount(),
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      if (level !== LlamaLogLevel.error && level !== LlamaLogLevel.warn && level !== LlamaLogLevel.fatal) return;
      recentLogs.push(`${level}: ${message.trim()}`);
      if (recentLogs.length > 50) recentLogs.shift();
    },
    progressLogs: false,
  };
  if (native) options.cmakeOptions = { ...NATIVE_ADDON_CMAKE_OPTIONS };
  else if (build === 'prebuilt') options.cmakeOptions = { ...PREBUILT_ONLY_CMAKE_OPTIONS };
  let llama: Llama;
  try {
    llama = await getLlama(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw modelError(
      'backend-unavailable',
      `llama.cpp cannot run on ${backend === 'auto' ? 'any backend' : backend} on this machine: ${reason}`,
    );
  }
  if (backend !== 'auto' && backendOf(llama) !== backend) {
    const got = backendOf(llama);
    await llama.dispose();
    throw modelError('backend-unavailable', `llama.cpp cannot use ${backend} on this machine (it offered ${got})`);
  }
  return { llama, backend, build: llama.buildType === 'localBuild' ? 'native' : 'prebuilt' };
}
