import { app, BrowserWindow, ipcMain, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { IPC_EVENT, IPC_REQUEST } from '../../common/api/bridge';
import { Workbench } from '../api/Workbench';
import { RENDERER_CSP } from '../host/contentSecurityPolicy';
import { readStaticFile } from '../host/staticFiles';
import { defaultStoreDir } from '../store/storeDir';
import { spawnUtilityEngine } from './utilityEngineChild';
import { APP_ORIGIN, APP_SCHEME, secureWebPreferences } from './windowOptions';

// Bundled by electron-vite into out/main/index.js; siblings: engine.js, ../preload, ../renderer.
const OUT_DIR = path.join(__dirname, '..');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function isAppFrame(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(`${APP_ORIGIN}/`);
}

async function createWindow(workbench: Workbench): Promise<void> {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Z1 Workbench',
    webPreferences: secureWebPreferences(path.join(OUT_DIR, 'preload', 'index.cjs')),
  });
  const unsubscribe = workbench.onEvent((message) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT, message);
  });
  window.on('closed', unsubscribe);
  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const rendererDir = path.join(OUT_DIR, 'renderer');

  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'workbench' ? await readStaticFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: { 'Content-Type': file.contentType, 'Content-Security-Policy': RENDERER_CSP },
    });
  });

  // No remote content, no navigation away from the app, no new windows, no permissions.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  const workbench = new Workbench({
    host: 'electron',
    storeDir: defaultStoreDir(),
    startupNotebook: process.argv.find((arg) => arg.endsWith('.z1.json')) ?? null,
    spawnEngine: spawnUtilityEngine(path.join(__dirname, 'engine.js')),
  });

  ipcMain.handle(IPC_REQUEST, async (event, message: unknown) => {
    if (!isAppFrame(event)) {
      return { type: 'response', id: -1, error: { code: 'forbidden', message: 'IPC from a frame outside the app' } };
    }
    return workbench.handle(message);
  });

  await createWindow(workbench);
  app.on('window-all-closed', () => {
    void workbench.close().then(() => app.quit());
  });
}

void start();
