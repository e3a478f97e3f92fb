import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { cmakePercent, nodeLlamaCppCliPath, nodeLlamaCppPackageDir, type BuildProgress } from './llamaCppSource';
import { runNiced } from './buildPriority';

/**
 * A build of node-llama-cpp's addon for this very CPU, from the llama.cpp source it ships.
 *
 * Why: the prebuilt CPU binary is compiled for every x86 CPU at once (GGML_NATIVE off, CPU
 * variants loaded at run time, no OpenMP); on a 2-core AMD EPYC VM it processed prompts at half
 * the speed of `llama-bench` and decoded with 2 threads at a third (docs/models.md has the
 * numbers). On an Intel Xeon VM it was faster than this build, so a build is used only once its
 * check says it is at least as fast (buildSpeed.ts).
 *
 * How node-llama-cpp picks a build: `getLlama({build: 'auto' | 'never'})` walks the GPU types
 * from best to worst, and for each one uses a *local build* in
 * `node_modules/node-llama-cpp/llama/localBuilds/<folder>` when one exists, otherwise the
 * prebuilt binary. `<folder>` is derived from the build options: platform, arch, GPU type and a
 * hash of the custom cmake options. We build with one custom option (GGML_NATIVE=ON, which local
 * builds use anyway), so our build lives in a folder of its own: processes that call plain
 * `getLlama()` are neither blocked by its lock file while it compiles nor switched to it behind
 * their back; `getWorkbenchLlama()` asks for it by passing the same cmake options.
 */
export const NATIVE_ADDON_CMAKE_OPTIONS: Readonly<Record<string, string>> = Object.freeze({ GGML_NATIVE: 'ON' });

/** node-llama-cpp reads extra cmake options from environment variables with this prefix. */
const CMAKE_OPTION_ENV_PREFIX = 'NODE_LLAMA_CPP_CMAKE_OPTION_';

export interface NativeAddonStatus {
  available: boolean;
  /** The local build folder under node-llama-cpp/llama/localBuilds, when available. */
  folder: string | null;
}

export function localBuildsDir(): string {
  return path.join(nodeLlamaCppPackageDir(), 'llama', 'localBuilds');
}

/** The addon file of a local build folder. */
export function nativeAddonFile(folder: string): string {
  return path.join(localBuildsDir(), folder, 'Release', 'llama-addon.node');
}

interface BuildMetadata {
  buildOptions?: { gpu?: unknown; customCmakeOptions?: Record<string, string> | Array<[string, string]> };
}

function sameOptions(options: BuildMetadata['buildOptions']): boolean {
  if (!options || options.gpu !== false) return false;
  const custom = Array.isArray(options.customCmakeOptions)
    ? Object.fromEntries(options.customCmakeOptions)
    : (options.customCmakeOptions ?? {});
  const wanted = Object.entries(NATIVE_ADDON_CMAKE_OPTIONS);
  return Object.keys(custom).length === wanted.length && wanted.every(([key, value]) => custom[key] === value);
}

/** Whether a finished native CPU build of the addon (ours) is present. Never builds. */
export async function nativeAddonStatus(): Promise<NativeAddonStatus> {
  const dir = localBuildsDir();
  const folders = await readdir(dir).catch(() => [] as string[]);
  for (const folder of folders) {
    const root = path.join(dir, folder);
    if (!existsSync(path.join(root, 'buildDone.status'))) continue;
    if (!existsSync(path.join(root, 'Release', 'llama-addon.node'))) continue;
    const metadata = await readFile(path.join(root, 'Release', '_nlcBuildMetadata.json'), 'utf8')
      .then((text) => JSON.parse(text) as BuildMetadata)
      .catch(() => null);
    if (metadata && sameOptions(metadata.buildOptions)) return { available: true, folder };
  }
  return { available: false, folder: null };
}

export interface NativeAddonBuildOptions {
  onProgress?: (progress: BuildProgress) => void;
  signal?: AbortSignal;
  /** Scheduling priority of the compilers (`nice -n`; on Windows a lower priority class): the automatic build runs at 19, below any run. */
  nice?: number;
  /** Output to this file instead of a pipe: the build then finishes even if this process dies. */
  logFile?: string;
  onSpawn?: (pid: number) => void;
}

/** A build of node-llama-cpp (ours or another process's) holds one of its lock files right now. */
export async function nodeLlamaCppBuildRunning(now = Date.now()): Promise<boolean> {
  // proper-lockfile refreshes a lock's mtime every 5 s and treats 10 s without one as stale.
  const locks = [
    ...(await readdir(localBuildsDir()).catch(() => [] as string[]))
      .filter((name) => name.endsWith('.lock'))
      .map((name) => path.join(localBuildsDir(), name)),
    path.join(nodeLlamaCppPackageDir(), 'llama', 'llama.cpp.lock'),
  ];
  for (const lock of locks) {
    const info = await stat(lock).catch(() => null);
    if (info && now - info.mtimeMs < 15_000) return true;
  }
  return false;
}

/**
 * The node-llama-cpp command that builds the addon: `source build` when its llama.cpp clone is
 * complete (ninja then compiles only what an interrupted build left), else `source download`
 * (clones the bundled source again and builds from scratch).
 */
export function nativeAddonBuildArgs(): string[] {
  const llamaDir = path.join(nodeLlamaCppPackageDir(), 'llama');
  const cloned =
    existsSync(path.join(llamaDir, 'llama.cpp', '.git')) && existsSync(path.join(llamaDir, 'llama.cpp.info.json'));
  return [nodeLlamaCppCliPath(), 'source', cloned ? 'build' : 'download', '--gpu', 'false', '--noUsageExample'];
}

/**
 * Compiles the addon for this CPU from the bundled source (no network, ~5 minutes on 2 cores).
 * The running process keeps the Llama it has; the next `getWorkbenchLlama()` in a fresh process
 * (or after disposing the current one) can use it. node-llama-cpp marks a build finished
 * (`buildDone.status`) only at its very end, so an interrupted build is never found as one.
 */
export async function buildNativeAddon(options: NativeAddonBuildOptions = {}): Promise<NativeAddonStatus> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'false' };
  // In Electron's utility process, execPath is Electron itself: make it behave as plain Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  for (const [key, value] of Object.entries(NATIVE_ADDON_CMAKE_OPTIONS)) env[CMAKE_OPTION_ENV_PREFIX + key] = value;
  const args = nativeAddonBuildArgs();
  options.onProgress?.({ stage: 'clone', percent: null, line: `node-llama-cpp ${args.slice(1).join(' ')}` });
  let stage: BuildProgress['stage'] = 'clone';
  await runNiced(process.execPath, args, options.nice, {
    env,
    signal: options.signal,
    ...(options.logFile ? { logFile: options.logFile } : {}),
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
    onLine: (line) => {
      const percent = cmakePercent(line);
      if (percent !== null) stage = 'build';
      else if (stage === 'clone' && /cmake|compil/i.test(line)) stage = 'configure';
      options.onProgress?.({ stage, percent, line });
    },
  });
  const status = await nativeAddonStatus();
  if (!status.available) {
    throw new Error(`node-llama-cpp reported success but no native build was found in ${localBuildsDir()}`);
  }
  options.onProgress?.({ stage: 'done', percent: 100, line: `native addon built in localBuilds/${status.folder}` });
  return status;
}
