/**
 * Real llama.cpp for the engine's integration tests: a project fixture model (see
 * docs/fixtures.md) behind a LocalBackend, at 1 thread on the CPU.
 */
import { getLlama, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { apiMethods, type EventData } from '../../../common/api/contract';
import type { SampleResult } from '../../../common/api/contract/generation';
import { ensureFixtureFile, type FixtureKind, type FixtureOptions } from '../../../main/fixtures/fixtureFiles';
import { GenerationBatch, type GenerationRequest } from '../../../main/engine/generation/GenerationBatch';
import { LocalBackend } from '../../../main/engine/local/LocalBackend';

export interface LocalEngine {
  model: LlamaModel;
  context: LlamaContext;
  backend: LocalBackend;
  dispose(): Promise<void>;
}

export async function loadLocalEngine(
  kind: FixtureKind,
  options: {
    sequences?: number;
    contextSize?: number;
    beforeBackend?: (context: LlamaContext) => void;
    fixture?: FixtureOptions;
  } = {},
): Promise<LocalEngine> {
  const modelPath = await ensureFixtureFile(kind, options.fixture);
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath });
  // threads: 1 — the default thread count is 60–200× slower on a 2-core machine (docs/models.md, "Speed against llama-bench").
  const context = await model.createContext({
    contextSize: options.contextSize ?? 512,
    sequences: options.sequences ?? 1,
    threads: 1,
  });
  options.beforeBackend?.(context);
  const backend = new LocalBackend({ model, context });
  return {
    model,
    context,
    backend,
    async dispose() {
      await context.dispose();
      await model.dispose();
    },
  };
}

/** An `engine.generate` request, parsed by the contract (defaults filled in). */
export function generationRequest(input: Record<string, unknown>): GenerationRequest {
  const { modelId: _modelId, ...request } = apiMethods['engine.generate'].params.parse({
    batchId: 'test',
    modelId: 'fixture',
    sampling: {},
    ...input,
  });
  return request;
}

/** Runs a batch and returns each item's results by key. */
export async function runBatch(
  backend: LocalBackend,
  request: GenerationRequest,
): Promise<Map<string, SampleResult[]>> {
  const samples = new Map<string, SampleResult[]>();
  await new GenerationBatch(backend, request, {
    sample: (data: EventData<'engine.sample'>) => samples.set(data.key, data.results),
    token: () => {},
    progress: () => {},
  }).run();
  return samples;
}

/** What must be identical between two runs of a sample (all but the timings and the result's place in its request). */
export function comparable(result: SampleResult) {
  const { timings: _timings, strategyIndex: _index, ...rest } = result;
  return rest;
}
