/**
 * The remote backend connected to a test llama-server the way the engine connects a model cell
 * (RemoteModels, the same code path as engine.loadModel with an "openai:" source).
 */
import type { EventData } from '../../../common/api/contract';
import type { LoadedModel, SampleResult } from '../../../common/api/contract/generation';
import { modelSettings } from '../../../common/settings/model';
import { GenerationBatch, type GenerationRequest } from '../../../main/engine/generation/GenerationBatch';
import type { RemoteBackend } from '../../../main/engine/remote/RemoteBackend';
import { RemoteModels } from '../../../main/engine/remote/RemoteModels';
import type { ConnectOptions } from '../../../main/engine/remote/connectRemoteModel';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { loadLocalEngine, type LocalEngine } from '../engine/localEngine';
import { startLlamaServer, type LlamaServer } from './llamaServer';

export interface RemoteEngine {
  models: RemoteModels;
  loaded: LoadedModel;
  backend: RemoteBackend;
  dispose(): Promise<void>;
}

export async function connectRemoteEngine(
  baseUrl: string,
  remote: Record<string, unknown> = {},
  options: ConnectOptions = {},
): Promise<RemoteEngine> {
  const models = new RemoteModels(options);
  const loaded = await models.load(modelSettings.parse({ source: `openai:${baseUrl}`, remote }));
  return { models, loaded, backend: models.backend(loaded.modelId)!, dispose: () => models.dispose() };
}

/** Runs a batch as the engine host does (the backend's per-batch view) and returns each item's results by key. */
export async function runRemoteBatch(
  backend: RemoteBackend,
  request: GenerationRequest,
  events: { onSample?: (data: EventData<'engine.sample'>) => void } = {},
): Promise<Map<string, SampleResult[]>> {
  const samples = new Map<string, SampleResult[]>();
  await new GenerationBatch(backend.forBatch(request.strategies), request, {
    sample: (data) => {
      samples.set(data.key, data.results);
      events.onSample?.(data);
    },
    token: () => {},
    progress: () => {},
  }).run();
  return samples;
}

export interface OracleOnBoth {
  server: LlamaServer;
  remote: RemoteEngine;
  local: LocalEngine;
  dispose(): Promise<void>;
}

/**
 * llama-server on the oracle model with the remote backend connected to it, and the local
 * backend on the same file: what the tests that compare the two start from. On a fresh machine
 * this compiles llama-server first (about 5 minutes, once; cached outside the repo).
 */
export async function oracleOnServerAndLocally(options: {
  parallel: number;
  connect?: ConnectOptions;
}): Promise<OracleOnBoth> {
  const modelPath = await ensureFixtureFile('oracle');
  const server = await startLlamaServer({ modelPath, parallel: options.parallel });
  const [remote, local] = await Promise.all([
    connectRemoteEngine(server.baseUrl, {}, options.connect),
    loadLocalEngine('oracle', { sequences: 2 }),
  ]);
  return {
    server,
    remote,
    local,
    async dispose() {
      await remote.dispose();
      await local.dispose();
      await server.kill();
    },
  };
}
