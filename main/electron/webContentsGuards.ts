import { isAppUrl, isExternalLinkAllowed } from './ipcGuard';

/** The part of Electron's WebContents the guards use (a plain event emitter in tests). */
export interface GuardedContents {
  on(event: string, listener: (event: PreventableEvent, url?: string) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

interface PreventableEvent {
  preventDefault(): void;
  /** Set on Electron's navigation events (the positional `url` argument is deprecated). */
  url?: string;
}

/**
 * Permissions the renderer may use. Everything else (camera, microphone, notifications,
 * geolocation, openExternal, HID/serial/USB …) is refused. Writing to the clipboard stays
 * allowed: Monaco's "Copy" uses navigator.clipboard.writeText.
 */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}

/**
 * Electron's security checklist for every WebContents the app creates: no navigation away from
 * the app (a link or a script cannot turn the window into a browser of remote content), no
 * redirects out, no <webview>, no new windows — https links go to the system browser instead.
 */
export function guardWebContents(contents: GuardedContents, openExternal: (url: string) => void): void {
  const stayInApp = (event: PreventableEvent, url?: string) => {
    if (!isAppUrl(event.url ?? url ?? '')) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event: PreventableEvent) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) openExternal(url);
    return { action: 'deny' };
  });
}
