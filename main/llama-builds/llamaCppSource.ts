import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Where node-llama-cpp keeps the llama.cpp it was released with. It ships that source as a git
 * bundle (llama/gitRelease.bundle), so llama.cpp's own tools and a native build of the addon can
 * be compiled on a machine without network access, from exactly the code the prebuilt binary has.
 */
export function nodeLlamaCppPackageDir(): string {
  const require = createRequire(import.meta.url);
  // The package's main entry is dist/index.js; its root is two levels up.
  return path.resolve(path.dirname(require.resolve('node-llama-cpp')), '..');
}

export function llamaCppGitBundlePath(): string {
  return path.join(nodeLlamaCppPackageDir(), 'llama', 'gitRelease.bundle');
}

export function nodeLlamaCppCliPath(): string {
  return path.join(nodeLlamaCppPackageDir(), 'dist', 'cli', 'cli.js');
}

let cachedCommit: Promise<string> | null = null;

/** The commit the bundled llama.cpp source is at (the key of every build cached from it). */
export function llamaCppBundleCommit(): Promise<string> {
  cachedCommit ??= (async () => {
    const bundle = llamaCppGitBundlePath();
    if (!existsSync(bundle)) {
      throw new Error(`node-llama-cpp ships no llama.cpp source bundle at ${bundle}`);
    }
    const { stdout } = await execFileAsync('git', ['bundle', 'list-heads', bundle]);
    const commit = stdout.trim().split(/\s+/)[0] ?? '';
    if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`cannot read the commit of ${bundle}: "${stdout.trim()}"`);
    return commit;
  })();
  cachedCommit.catch(() => {
    cachedCommit = null;
  });
  return cachedCommit;
}

/**
 * The workbench's cache for things built on this machine (llama.cpp tools, file fingerprints).
 * Outside the repository and node_modules so that `npm ci` does not throw a 5-minute build away.
 */
export function workbenchCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.Z1WB_CACHE) return path.resolve(env.Z1WB_CACHE);
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'z1wb');
  if (process.platform === 'win32') {
    return path.join(env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'), 'z1wb', 'cache');
  }
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'z1wb');
}

/** Progress of a long build: `percent` is cmake's own estimate (null until it prints one). */
export interface BuildProgress {
  stage: 'clone' | 'configure' | 'build' | 'done';
  percent: number | null;
  line: string;
}

/**
 * Build progress from a build tool's line: Makefiles print "[ 45%] Building CXX object …",
 * Ninja (node-llama-cpp's cmake-js build) prints "[28/277] Building …". Null for other lines.
 */
export function cmakePercent(line: string): number | null {
  const text = line.trim().replace(/^.*?(?=\[\s*\d)/, '');
  const percent = /^\[\s*(\d{1,3})%\]/.exec(text);
  if (percent) return Number(percent[1]);
  const steps = /^\[(\d+)\/(\d+)\]/.exec(text);
  return steps && Number(steps[2]) > 0 ? Math.floor((100 * Number(steps[1])) / Number(steps[2])) : null;
}
