import { createHash } from 'node:crypto';
import type { LoadedModel } from '../../../common/api/contract/generation';
import type { ModelSettings } from '../../../common/settings/model';
import { connectRemoteModel, type ConnectedRemoteModel, type ConnectOptions } from './connectRemoteModel';
import type { RemoteBackend } from './RemoteBackend';
import { parseServerAddress } from './serverAddress';

/**
 * The models of this engine process that run on OpenAI-compatible servers. "Loading" one
 * connects to its server; the model registry hands `openai:` sources here, and generation looks
 * the backend up by model id.
 */
export class RemoteModels {
  private readonly connected = new Map<string, ConnectedRemoteModel>();
  private readonly connecting = new Map<string, Promise<LoadedModel>>();

  constructor(private readonly options: ConnectOptions = {}) {}

  load(settings: ModelSettings): Promise<LoadedModel> {
    const modelId = remoteModelIdFor(settings);
    const existing = this.connected.get(modelId);
    if (existing) return Promise.resolve(existing.description);
    let pending = this.connecting.get(modelId);
    if (!pending) {
      pending = connectRemoteModel(modelId, settings, this.options)
        .then((model) => {
          this.connected.set(modelId, model);
          return model.description;
        })
        .finally(() => this.connecting.delete(modelId));
      this.connecting.set(modelId, pending);
    }
    return pending;
  }

  backend(modelId: string): RemoteBackend | undefined {
    return this.connected.get(modelId)?.backend;
  }

  list(): LoadedModel[] {
    return [...this.connected.values()].map((m) => m.description);
  }

  async unload(modelId: string): Promise<boolean> {
    const model = this.connected.get(modelId);
    if (!model) return false;
    this.connected.delete(modelId);
    await model.backend.dispose();
    return true;
  }

  async dispose(): Promise<void> {
    for (const modelId of [...this.connected.keys()]) await this.unload(modelId);
  }
}

/** "<server model or host>@<hash of the settings>": the same cell connects once. */
export function remoteModelIdFor(settings: ModelSettings): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(['remote', settings.source, settings.contextSize, settings.remote ?? null]))
    .digest('hex')
    .slice(0, 10);
  const base = settings.remote?.model ?? new URL(parseServerAddress(settings.source).baseUrl).host;
  return `${base.split('/').pop()}@${hash}`;
}
