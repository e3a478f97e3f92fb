import { createContext, useContext } from 'react';
import type { ApiClient } from '../../../common/api/ApiClient';

export const ClientContext = createContext<ApiClient | null>(null);

/** The typed API client of whichever host serves this page. */
export function useClient(): ApiClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}

/** The Electron shell answers shell.* (native dialogs, recent files); other hosts do not. */
export function isDesktop(): boolean {
  return !!window.z1;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
