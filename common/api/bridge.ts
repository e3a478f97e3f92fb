import type { EventMessage, RequestMessage, ResponseMessage } from './messages';

/** IPC channel names between the Electron preload and main process. */
export const IPC_REQUEST = 'z1:request';
export const IPC_EVENT = 'z1:event';

/**
 * What the Electron preload exposes to the sandboxed renderer as `window.z1`: the API envelope
 * and nothing else (no Node, no ipcRenderer).
 */
export interface Z1Bridge {
  request(message: RequestMessage): Promise<ResponseMessage>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}
