import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Physical cores, not hardware threads: llama.cpp's matrix kernels saturate a core's vector
 * units, so a second hyper-thread on the same core adds contention, not speed. On a 2-core VM
 * node-llama-cpp's default (max(4, math cores) = 4 threads) made generation 60–200× slower
 * (docs/models.md), which is why the workbench always chooses the thread count itself.
 */

/**
 * Counts distinct (physical id, core id) pairs in Linux's /proc/cpuinfo; null when the file
 * does not say (some ARM kernels list processors without core ids).
 */
export function countPhysicalCoresInCpuinfo(cpuinfo: string): number | null {
  const cores = new Set<string>();
  let processors = 0;
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    if (!fields.has('processor')) continue;
    processors += 1;
    const core = fields.get('core id');
    if (core !== undefined) cores.add(`${fields.get('physical id') ?? '0'}:${core}`);
  }
  if (processors === 0) return null;
  return cores.size > 0 ? cores.size : null;
}

function detectPhysicalCores(): number {
  const logical = Math.max(1, os.cpus().length);
  try {
    if (process.platform === 'linux') {
      const counted = countPhysicalCoresInCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
      if (counted) return counted;
    } else if (process.platform === 'darwin') {
      const counted = Number(execFileSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8' }).trim());
      if (Number.isInteger(counted) && counted > 0) return counted;
    } else if (process.platform === 'win32') {
      const out = execFileSync(
        'powershell.exe',
        [
          '-NoProfile',
          '-Command',
          '(Get-CimInstance Win32_Processor | Measure-Object -Property NumberOfCores -Sum).Sum',
        ],
        { encoding: 'utf8', timeout: 5000 },
      );
      const counted = Number(out.trim());
      if (Number.isInteger(counted) && counted > 0) return counted;
    }
  } catch {
    // Fall through to the logical count below.
  }
  return logical;
}

let cachedPhysicalCores: number | null = null;

/** Physical CPU cores of this machine (computed once per process). */
export function physicalCoreCount(): number {
  cachedPhysicalCores ??= detectPhysicalCores();
  return cachedPhysicalCores;
}

/**
 * The thread count the workbench uses when a model says `threads: "auto"`: the physical cores,
 * but never more than the CPUs this process may run on (container quotas, affinity masks).
 */
export function defaultThreadCount(): number {
  const allowed = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(physicalCoreCount(), allowed));
}

/** `"auto"` → the machine's default; a number is the user's explicit choice and is kept. */
export function resolveThreads(setting: 'auto' | number): number {
  return setting === 'auto' ? defaultThreadCount() : setting;
}
