import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  cmakePercent,
  llamaCppBundleCommit,
  llamaCppGitBundlePath,
  workbenchCacheDir,
  type BuildProgress,
} from './llamaCppSource';
import { runCommand } from './runCommand';
import { abortableSleep } from './abortableSleep';
import { tryPidLock } from '../locks/pidLock';

/**
 * llama.cpp's own `llama-bench` and `llama-server`, compiled on this machine from the source
 * node-llama-cpp ships. `llama-bench` is the speed limit the engine is measured against;
 * `llama-server` is the OpenAI-compatible server the remote backend can run locally.
 *
 * The build is cached outside the repository, keyed by the bundle's commit:
 *   <cache>/llama.cpp-<commit12>/source   git clone of the bundle
 *   <cache>/llama.cpp-<commit12>/build    cmake build tree (binaries in build/bin)
 *   <cache>/llama.cpp-<commit12>/tools.json  written when both binaries are built
 * About 5 minutes on 2 cores the first time; later calls return at once.
 */

export interface LlamaCppTools {
  commit: string;
  root: string;
  llamaBench: string;
  llamaServer: string;
}

export interface LlamaCppToolsOptions {
  /** Defaults to the workbench cache (`Z1WB_CACHE`, else ~/.cache/z1wb). */
  cacheDir?: string;
  onProgress?: (progress: BuildProgress) => void;
  signal?: AbortSignal;
  /** Parallel compile jobs; defaults to the number of CPUs. */
  jobs?: number;
}

/** The cmake flags of the build (docs/models.md): no curl, no tests, no examples; native CPU flags on. */
export const LLAMA_CPP_TOOLS_CMAKE_FLAGS = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DLLAMA_CURL=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DLLAMA_BUILD_SERVER=ON',
  '-DGGML_NATIVE=ON',
];
const TARGETS = ['llama-bench', 'llama-server'];
const MARKER = 'tools.json';
const LOCK = 'build.lock';

function exe(name: string): string {
  return process.platform === 'win32' ? `${name}.exe` : name;
}

function layout(root: string, commit: string): LlamaCppTools {
  const bin = path.join(root, 'build', 'bin');
  return {
    commit,
    root,
    llamaBench: path.join(bin, exe('llama-bench')),
    llamaServer: path.join(bin, exe('llama-server')),
  };
}

export async function llamaCppToolsRoot(cacheDir = workbenchCacheDir()): Promise<{ root: string; commit: string }> {
  const commit = await llamaCppBundleCommit();
  return { root: path.join(cacheDir, `llama.cpp-${commit.slice(0, 12)}`), commit };
}

/** The tools when a finished build of the current bundle is cached; null otherwise (never builds). */
export async function findLlamaCppTools(options: { cacheDir?: string } = {}): Promise<LlamaCppTools | null> {
  const { root, commit } = await llamaCppToolsRoot(options.cacheDir);
  const tools = layout(root, commit);
  if (!existsSync(path.join(root, MARKER))) return null;
  return existsSync(tools.llamaBench) && existsSync(tools.llamaServer) ? tools : null;
}

/**
 * Returns llama-bench and llama-server, building them first when they are not cached. Several
 * processes may ask at once: one builds (holding a lock file with its pid), the others wait.
 */
export async function ensureLlamaCppTools(options: LlamaCppToolsOptions = {}): Promise<LlamaCppTools> {
  const cached = await findLlamaCppTools(options);
  if (cached) {
    options.onProgress?.({ stage: 'done', percent: 100, line: `llama.cpp tools cached in ${cached.root}` });
    return cached;
  }
  const { root, commit } = await llamaCppToolsRoot(options.cacheDir);
  await mkdir(root, { recursive: true });
  const lockPath = path.join(root, LOCK);
  while (!(await tryPidLock(lockPath))) {
    options.onProgress?.({ stage: 'build', percent: null, line: `waiting for another build of ${root}` });
    await abortableSleep(2000, options.signal);
    const built = await findLlamaCppTools(options);
    if (built) return built;
  }
  try {
    return await build(root, commit, options);
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function build(root: string, commit: string, options: LlamaCppToolsOptions): Promise<LlamaCppTools> {
  const report = (stage: BuildProgress['stage'], line: string, percent: number | null = null) =>
    options.onProgress?.({ stage, percent, line });
  const source = path.join(root, 'source');
  const buildDir = path.join(root, 'build');
  const run = (command: string, args: string[], stage: BuildProgress['stage']) =>
    runCommand(command, args, {
      signal: options.signal,
      onLine: (line) => report(stage, line, stage === 'build' ? cmakePercent(line) : null),
    });

  if (!existsSync(path.join(source, 'CMakeLists.txt'))) {
    await rm(source, { recursive: true, force: true });
    report('clone', `cloning ${llamaCppGitBundlePath()} (${commit.slice(0, 12)})`);
    await run('git', ['clone', '--quiet', llamaCppGitBundlePath(), source], 'clone');
    await run('git', ['-C', source, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', commit], 'clone');
  }
  if (!existsSync(path.join(buildDir, 'CMakeCache.txt'))) {
    report('configure', `cmake ${LLAMA_CPP_TOOLS_CMAKE_FLAGS.join(' ')}`);
    await run('cmake', ['-S', source, '-B', buildDir, ...LLAMA_CPP_TOOLS_CMAKE_FLAGS], 'configure');
  }
  const jobs = options.jobs ?? Math.max(1, os.cpus().length);
  // Incremental: a finished tree (e.g. one built by hand) takes seconds here.
  await run('cmake', ['--build', buildDir, '--config', 'Release', '--target', ...TARGETS, '-j', String(jobs)], 'build');
  const tools = layout(root, commit);
  for (const binary of [tools.llamaBench, tools.llamaServer]) {
    if (!existsSync(binary)) throw new Error(`the llama.cpp build finished but ${binary} is missing`);
  }
  await writeFile(
    path.join(root, MARKER),
    JSON.stringify({ ...tools, builtAt: new Date().toISOString(), cmakeFlags: LLAMA_CPP_TOOLS_CMAKE_FLAGS }, null, 2) +
      '\n',
  );
  report('done', `llama.cpp tools built in ${root}`, 100);
  return tools;
}
