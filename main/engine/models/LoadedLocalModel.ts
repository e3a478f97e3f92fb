import type { Llama, LlamaContext, LlamaModel } from 'node-llama-cpp';
import type { LoadedModel } from '../../../common/api/contract/generation';
import type { ModelSettings } from '../../../common/settings/model';
import type { RemoteBackend } from '../remote/RemoteBackend';

/** A model loaded in this engine process, with the context its sequences come from. */
export interface LoadedLocalModel {
  readonly description: LoadedModel;
  readonly settings: ModelSettings;
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
}

/** Looks up loaded models by id; implemented by the model registry of the engine process. */
export interface LoadedModels {
  /** Throws an ApiError('unknown-model') naming the id when it is not loaded. */
  get(modelId: string): LoadedLocalModel;
  /** The backend of a model on an OpenAI-compatible server (main/engine/remote); undefined for local models. */
  remoteBackend?(modelId: string): RemoteBackend | undefined;
}
