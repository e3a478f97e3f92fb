// The engine's public surface: the engine process, the hosts, the runner and the CLI import from
// here only (lint holds them to it). The engine itself knows nothing of them: no notebooks, no
// store, no hosts, no Electron.
export {
  GenerationBatch,
  type BatchOutcome,
  type GenerationEvents,
  type GenerationRequest,
} from './generation/GenerationBatch';
export { localBackendFor } from './local/LocalBackend';
export type { LoadedLocalModel, LoadedModels } from './models/LoadedLocalModel';
export { ModelRegistry } from './models/ModelRegistry';
export { downloadModel } from './models/huggingFaceDownload';
export { SUGGESTED_MODELS } from './models/suggestedModels';
export { API_KEYS_FILE_NAME } from './remote/apiKey';
export { disposeWorkbenchLlama, getWorkbenchLlama } from './hardware/workbenchLlama';
