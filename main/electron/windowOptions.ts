import type { BrowserWindowConstructorOptions, MessageBoxSyncOptions } from 'electron';
import { MIN_WINDOW_SIZE, type WindowPlacement } from './windowState';

/**
 * The renderer's security settings (Electron's security checklist). Kept in one place so that a
 * test can read them and fail if any is loosened.
 */
export function secureWebPreferences(
  preloadPath: string,
): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** The main window: its remembered place, hidden until the first paint, and the secure preferences. */
export function mainWindowOptions(placement: WindowPlacement, preloadPath: string): BrowserWindowConstructorOptions {
  return {
    ...(placement.x === undefined || placement.y === undefined ? {} : { x: placement.x, y: placement.y }),
    width: placement.width,
    height: placement.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Z1 Workbench',
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** Asked when the renderer's beforeunload says a notebook has unsaved changes; button 0 leaves. */
export function unsavedChangesPrompt(): MessageBoxSyncOptions {
  return {
    type: 'question',
    buttons: ['Leave', 'Stay'],
    defaultId: 1,
    cancelId: 1,
    title: 'Unsaved changes',
    message: 'This notebook has unsaved changes.',
    detail: 'Leaving now discards them. Finished samples of runs are already stored and are not lost.',
  };
}

/** The origin the renderer is served from (a custom protocol, as Electron's guidance recommends). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
