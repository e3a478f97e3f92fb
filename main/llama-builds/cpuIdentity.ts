import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * The CPU a native build was checked on: its model name, architecture and, on Linux, a hash of
 * its instruction-set flags. A build compiled for one CPU (`-march=native`) and found on another
 * (a VM moved to other hardware, a home folder shared between machines) may be slower there or
 * stop at an illegal instruction, so its check counts only on the CPU it ran on. VMs often name
 * every CPU alike ("Intel Xeon Processor"): the flags tell them apart.
 */
export function cpuIdentity(cpuinfo: string | null = readCpuinfo()): string {
  const model = os.cpus()[0]?.model.trim() || 'unknown CPU';
  const flags = cpuinfo?.match(/^(?:flags|Features)\s*:\s*(.*)$/m)?.[1]?.trim();
  const flagsHash = flags
    ? ` / flags ${createHash('sha256').update(flags.split(/\s+/).sort().join(' ')).digest('hex').slice(0, 12)}`
    : '';
  return `${model} / ${os.arch()}${flagsHash}`;
}

function readCpuinfo(): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
}
