import os from 'node:os';
import type { GgufInsights, Llama } from 'node-llama-cpp';
import { formatBytes, modelError } from './modelErrors';

/** Memory a model may use; by default what the machine has free right now. */
export interface MemoryBudget {
  ramBytes: number;
  vramBytes: number;
}

export interface FitRequest {
  gpuLayers: 'auto' | number;
  contextSize: number;
  sequences: number;
  batchSize?: number;
  /** Overrides the free memory measured now (tests pass a tiny one; users may cap the engine). */
  budget?: Partial<MemoryBudget>;
}

export interface FitPlan {
  gpuLayers: number;
  totalLayers: number;
  estimated: { ram: number; vram: number };
  /** The parts of the estimate: weights vs. context (KV cache and compute buffers). */
  parts: { modelRam: number; modelVram: number; contextRam: number; contextVram: number };
  budget: MemoryBudget;
  fits: boolean;
}

async function freeMemory(llama: Llama): Promise<MemoryBudget> {
  const vram = llama.gpu === false ? 0 : ((await llama.getVramState().catch(() => null))?.free ?? 0);
  // os.freemem() is MemAvailable on Linux (page cache counts as free), like llama.getRamState().
  return { ramBytes: os.freemem(), vramBytes: vram };
}

async function resolveGpuLayers(insights: GgufInsights, llama: Llama, request: FitRequest): Promise<number> {
  const total = insights.totalLayers;
  if (llama.gpu === false || !llama.supportsGpuOffloading) return 0;
  if (request.gpuLayers !== 'auto') return Math.min(request.gpuLayers, total);
  try {
    const resolved = await insights.configurationResolver.resolveModelGpuLayersV2('auto', {
      llamaGpu: llama.gpu,
      llamaSupportsGpuOffloading: llama.supportsGpuOffloading,
    });
    return resolved.gpuLayers;
  } catch {
    return 0;
  }
}

/**
 * Estimates, before anything is loaded, the RAM and VRAM a model and its context will take
 * (node-llama-cpp's GgufInsights: weights per offloaded layer, KV cache for
 * contextSize × sequences, compute buffers), and compares them with the budget.
 */
export async function planModelFit(insights: GgufInsights, llama: Llama, request: FitRequest): Promise<FitPlan> {
  const gpuLayers = await resolveGpuLayers(insights, llama, request);
  const model = await insights.estimateModelResourceRequirementsV2({ gpuLayers });
  const context = await insights.estimateContextResourceRequirementsV2({
    contextSize: request.contextSize,
    modelGpuLayers: gpuLayers,
    sequences: request.sequences,
    ...(request.batchSize !== undefined ? { batchSize: request.batchSize } : {}),
  });
  const free = await freeMemory(llama);
  const budget: MemoryBudget = {
    ramBytes: request.budget?.ramBytes ?? free.ramBytes,
    vramBytes: request.budget?.vramBytes ?? free.vramBytes,
  };
  const estimated = { ram: model.cpuRam + context.cpuRam, vram: model.gpuVram + context.gpuVram };
  return {
    gpuLayers,
    totalLayers: insights.totalLayers,
    estimated,
    parts: {
      modelRam: model.cpuRam,
      modelVram: model.gpuVram,
      contextRam: context.cpuRam,
      contextVram: context.gpuVram,
    },
    budget,
    fits: estimated.ram <= budget.ramBytes && estimated.vram <= budget.vramBytes,
  };
}

/** Throws 'model-too-large' with every number a user needs to decide what to change. */
export function assertFits(plan: FitPlan, file: string, request: FitRequest): void {
  if (plan.fits) return;
  const lines = [
    `${file} will not fit in memory:`,
    `needs ~${formatBytes(plan.estimated.ram)} RAM (weights ${formatBytes(plan.parts.modelRam)} + context ${formatBytes(plan.parts.contextRam)})` +
      ` with ${formatBytes(plan.budget.ramBytes)} available`,
  ];
  if (plan.estimated.vram > 0 || plan.gpuLayers > 0) {
    lines.push(
      `and ~${formatBytes(plan.estimated.vram)} VRAM (${plan.gpuLayers}/${plan.totalLayers} layers offloaded) with ${formatBytes(plan.budget.vramBytes)} free`,
    );
  }
  lines.push(
    `(context ${request.contextSize} tokens × ${request.sequences} sequence${request.sequences === 1 ? '' : 's'}); ` +
      'try a smaller quantization, a smaller context or fewer parallel sequences',
  );
  throw modelError('model-too-large', lines.join(' '));
}
