import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_REQUEST, type Z1Bridge } from '../common/api/bridge';
import type { EventMessage, RequestMessage, ResponseMessage } from '../common/api/messages';

// The renderer gets two functions, never ipcRenderer itself: it can only speak the API envelope,
// which the main process validates.
const bridge: Z1Bridge = {
  request: (message: RequestMessage) => ipcRenderer.invoke(IPC_REQUEST, message) as Promise<ResponseMessage>,
  onEvent: (listener) => {
    const wrapped = (_event: IpcRendererEvent, message: EventMessage) => listener(message);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('z1', bridge);
