import os from 'node:os';
import { abortableSleep } from './abortableSleep';

/**
 * How much of the machine other work used while the speed check ran (buildSpeed.ts). A speed
 * comparison made while something else computes is not a comparison of the builds: the
 * prebuilt binary's spinning threads collapse under load (single decodes in 59 instead of 10 ms
 * while another process benchmarked here) and the native build's sleeping ones do not, so a
 * check during a run would pick the native build for a reason that is gone once the run ends.
 */

/** Milliseconds all CPUs have spent busy (not idle) since boot. */
export function machineBusyMs(): number {
  let busy = 0;
  for (const cpu of os.cpus()) busy += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  return busy;
}

export interface LoadProbe {
  /** Busy CPU time of the whole machine so far (default: machineBusyMs). */
  busyMs(): number;
  /** Wall-clock milliseconds (default: performance.now). */
  now(): number;
}

export const systemLoad: LoadProbe = { busyMs: machineBusyMs, now: () => performance.now() };

/**
 * Runs `work` and returns its result with the cores other work kept busy meanwhile: the
 * machine's busy time minus the CPU time the work itself reports (`ownCpuMs`), per wall time.
 */
export async function measureOthersLoad<T>(
  work: () => Promise<T>,
  ownCpuMs: (result: T) => number,
  probe: LoadProbe = systemLoad,
): Promise<{ result: T; othersCores: number }> {
  const busy = probe.busyMs();
  const started = probe.now();
  const result = await work();
  const wall = Math.max(1, probe.now() - started);
  const others = probe.busyMs() - busy - ownCpuMs(result);
  return { result, othersCores: Math.max(0, others) / wall };
}

export interface QuietOptions {
  /** A machine is quiet when other work keeps fewer cores than this busy. */
  maxCores: number;
  /** How long each look lasts. */
  sampleMs: number;
  /** Pause between looks. */
  pollMs: number;
  signal?: AbortSignal;
  /** Told each time the machine was found busy, with the cores in use. */
  onBusy?: (cores: number) => void;
  probe?: LoadProbe;
}

/** Resolves once the machine is quiet (nothing of ours runs meanwhile); rejects when cancelled. */
export async function waitForQuiet(options: QuietOptions): Promise<void> {
  const probe = options.probe ?? systemLoad;
  for (;;) {
    const { othersCores } = await measureOthersLoad(
      () => abortableSleep(options.sampleMs, options.signal),
      () => 0,
      probe,
    );
    if (othersCores < options.maxCores) return;
    options.onBusy?.(othersCores);
    await abortableSleep(options.pollMs, options.signal);
  }
}
