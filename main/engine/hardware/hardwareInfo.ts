import os from 'node:os';
import type { Llama } from 'node-llama-cpp';
import type { z } from 'zod';
import type { hardwareInfo } from '../../../common/api/contract/generation';
import { defaultThreadCount, physicalCoreCount } from './physicalCores';
import { backendOf } from './workbenchLlama';

export type HardwareInfo = z.infer<typeof hardwareInfo>;

/** What `engine.hardware` reports: the backend and build llama.cpp runs on, and the machine. */
export async function describeHardware(llama: Llama): Promise<HardwareInfo> {
  const vram = llama.gpu === false ? null : await llama.getVramState().catch(() => null);
  const gpuNames = llama.gpu === false ? [] : await llama.getGpuDeviceNames().catch(() => [] as string[]);
  return {
    backend: backendOf(llama),
    buildType: llama.buildType,
    llamaCppRelease: llama.llamaCppRelease.release,
    gpuNames,
    vramBytes: vram ? vram.total : null,
    ramBytes: os.totalmem(),
    physicalCores: physicalCoreCount(),
    defaultThreads: defaultThreadCount(),
  };
}
