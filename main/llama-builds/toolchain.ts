import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * What compiling node-llama-cpp's addon from its bundled source needs on this machine: cmake
 * (node-llama-cpp would otherwise download one, which needs network), a C++ compiler, and git
 * (the source is a git bundle that is cloned). Found on PATH, never by running them, so that the
 * check costs microseconds at every model load.
 */
export interface Toolchain {
  /** Every tool is present. */
  complete: boolean;
  /** Where each found tool is. */
  found: { cmake: string | null; compiler: string | null; git: string | null };
  /** What is missing, in words: "cmake", "a C++ compiler (g++ or clang++)", "git". */
  missing: string[];
  /** The one command that installs what is missing on this system; null when nothing is. */
  installCommand: string | null;
}

export interface ToolchainOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Whether the process runs as root (Linux: no `sudo` in the install command then). */
  isRoot?: boolean;
}

const COMPILERS: Record<string, string[]> = {
  win32: ['cl', 'clang++', 'g++'],
  darwin: ['clang++', 'c++'],
  other: ['c++', 'g++', 'clang++'],
};

/** The first of `names` that is an executable file on PATH (with Windows' extensions). */
export function findOnPath(names: readonly string[], options: ToolchainOptions = {}): string | null {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  const extensions = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const name of names) {
    for (const dir of dirs) {
      for (const extension of extensions) {
        const candidate = path.join(dir, name + extension);
        try {
          accessSync(candidate, platform === 'win32' ? constants.F_OK : constants.X_OK);
          return candidate;
        } catch {
          // Not here.
        }
      }
    }
  }
  return null;
}

/** The package manager's install line for the missing tools (Linux distributions, macOS, Windows). */
function installCommandFor(
  missing: { cmake: boolean; compiler: boolean; git: boolean },
  options: ToolchainOptions,
): string | null {
  const platform = options.platform ?? process.platform;
  if (!missing.cmake && !missing.compiler && !missing.git) return null;
  if (platform === 'darwin') {
    // The command line tools bring clang++ and git; cmake comes from Homebrew.
    const parts = [];
    if (missing.compiler || missing.git) parts.push('xcode-select --install');
    if (missing.cmake) parts.push('brew install cmake');
    return parts.join(' && ');
  }
  if (platform === 'win32') {
    const parts = [];
    if (missing.compiler) parts.push('winget install Microsoft.VisualStudio.2022.BuildTools');
    if (missing.cmake) parts.push('winget install Kitware.CMake');
    if (missing.git) parts.push('winget install Git.Git');
    return parts.join(' && ');
  }
  const sudo = (options.isRoot ?? process.getuid?.() === 0) ? '' : 'sudo ';
  const managers: Array<{ tool: string; line: (packages: string[]) => string; compiler: string }> = [
    { tool: 'apt-get', line: (p) => `apt-get install -y ${p.join(' ')}`, compiler: 'g++' },
    { tool: 'dnf', line: (p) => `dnf install -y ${p.join(' ')}`, compiler: 'gcc-c++' },
    { tool: 'yum', line: (p) => `yum install -y ${p.join(' ')}`, compiler: 'gcc-c++' },
    { tool: 'pacman', line: (p) => `pacman -S --noconfirm ${p.join(' ')}`, compiler: 'gcc' },
    { tool: 'zypper', line: (p) => `zypper install -y ${p.join(' ')}`, compiler: 'gcc-c++' },
    { tool: 'apk', line: (p) => `apk add ${p.join(' ')}`, compiler: 'g++' },
  ];
  const manager = managers.find((m) => findOnPath([m.tool], options)) ?? managers[0]!;
  const packages = [
    ...(missing.cmake ? ['cmake'] : []),
    ...(missing.compiler ? [manager.compiler] : []),
    ...(missing.git ? ['git'] : []),
  ];
  return sudo + manager.line(packages);
}

/** Which of cmake, a C++ compiler and git this machine has, and how to install the rest. */
export function detectToolchain(options: ToolchainOptions = {}): Toolchain {
  const platform = options.platform ?? process.platform;
  const found = {
    cmake: findOnPath(['cmake'], options),
    compiler: findOnPath(COMPILERS[platform] ?? COMPILERS.other!, options),
    git: findOnPath(['git'], options),
  };
  const missing: string[] = [];
  if (!found.cmake) missing.push('cmake');
  if (!found.compiler) missing.push(`a C++ compiler (${(COMPILERS[platform] ?? COMPILERS.other!).join(' or ')})`);
  if (!found.git) missing.push('git');
  const installCommand = installCommandFor(
    { cmake: !found.cmake, compiler: !found.compiler, git: !found.git },
    options,
  );
  return { complete: missing.length === 0, found, missing, installCommand };
}
