import type { ResponseMessage } from '../../common/api/messages';
import { shellMethods } from '../../common/api/contract/shell';
import { Dispatcher, type Handlers } from '../messaging/Dispatcher';
import { FORBIDDEN_SENDER_RESPONSE, isTrustedSender, type SenderFrame } from './ipcGuard';

/** Anything that answers raw API messages: the Workbench, or the desktop API below. */
export interface ApiEndpoint {
  handle(raw: unknown): Promise<ResponseMessage>;
}

function isShellMethod(method: unknown): boolean {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(shellMethods, method);
}

/**
 * The API as the Electron host serves it: `shell.*` methods (native dialogs, recent files) are
 * answered here, everything else by the Workbench that every host shares. Both sides validate
 * the envelope and the params through a Dispatcher, so nothing reaches a handler unchecked.
 */
export function createDesktopApi(workbench: ApiEndpoint, shellHandlers: Handlers): ApiEndpoint {
  const shell = new Dispatcher(shellHandlers);
  return {
    handle: (raw) =>
      isShellMethod((raw as { method?: unknown } | null)?.method) ? shell.handle(raw) : workbench.handle(raw),
  };
}

/**
 * One IPC request from the renderer: the sender is checked first (the app's own top-level
 * page only), then the payload goes to the validating API. Never throws: a rejected call still
 * gets a response, so the renderer's promise settles.
 */
export async function answerIpcRequest(
  api: ApiEndpoint,
  frame: SenderFrame | null | undefined,
  raw: unknown,
): Promise<ResponseMessage> {
  if (!isTrustedSender(frame)) {
    const id = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : -1;
    return { ...FORBIDDEN_SENDER_RESPONSE, id, error: { ...FORBIDDEN_SENDER_RESPONSE.error } };
  }
  return api.handle(raw);
}
