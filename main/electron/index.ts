import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron';
import path from 'node:path';
import type { ShellCommand } from '../../common/api/contract/shell';
import { IPC_EVENT, IPC_REQUEST } from '../../common/api/bridge';
import { Workbench } from '../api/Workbench';
import { STORE_ENV, defaultStoreDir } from '../store/storeDir';
import { createAppProtocolHandler } from './appProtocol';
import { answerIpcRequest, createDesktopApi } from './desktopApi';
import { buildMenuTemplate } from './menuTemplate';
import { notebookPathsFromArgv, PendingOpenFiles } from './openFileArgs';
import { RecentFiles } from './recentFiles';
import { createShellHandlers, type NativeDialogs } from './shellHandlers';
import { readShellSettings, writeShellSettings } from './shellSettingsFile';
import { spawnUtilityEngine } from './utilityEngineChild';
import { guardWebContents, isPermissionAllowed } from './webContentsGuards';
import { APP_ORIGIN, APP_SCHEME, mainWindowOptions, unsavedChangesPrompt } from './windowOptions';
import { captureWindowState, restoreWindowPlacement, windowState } from './windowState';

// The Electron-only glue: it wires Electron's objects to the tested modules beside it and holds
// no logic of its own worth a test that would need the binary. Bundled into out/main/index.js;
// siblings: engine.js, ../preload/index.cjs, ../renderer/.
const OUT_DIR = path.join(__dirname, '..');
const APP_NAME = 'Z1 Workbench';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
// Every renderer sandboxed, whatever a future BrowserWindow's options say.
app.enableSandbox();

// Notebooks the OS asks us to open: on the command line, via macOS `open-file` (which can fire
// before 'ready'), or forwarded by a second launch. Until the window can take them, they wait.
const pendingFiles = new PendingOpenFiles();
for (const file of notebookPathsFromArgv(process.argv.slice(1), process.cwd())) pendingFiles.add(file);
let openInWindow: ((file: string) => void) | null = null;
const openFromOs = (file: string) => (openInWindow ? openInWindow(file) : pendingFiles.add(file));

app.on('open-file', (event, file) => {
  event.preventDefault();
  openFromOs(file);
});

if (app.requestSingleInstanceLock()) {
  void start();
} else {
  // Another instance owns the window; it receives our argv through 'second-instance'.
  app.quit();
}

async function start(): Promise<void> {
  await app.whenReady();
  const userData = app.getPath('userData');
  const windowStateFile = path.join(userData, 'window-state.json');

  protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(OUT_DIR, 'renderer')));
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(isPermissionAllowed(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, (url) => void shell.openExternal(url)),
  );

  const recentFiles = new RecentFiles(path.join(userData, 'recent-files.json'));
  await recentFiles.load();
  const storeDir = defaultStoreDir();
  const startupFiles = pendingFiles.takeAll();
  const workbench = new Workbench({
    host: 'electron',
    storeDir,
    startupNotebook: startupFiles.shift() ?? null,
    spawnEngine: spawnUtilityEngine(path.join(OUT_DIR, 'main', 'engine.js'), { [STORE_ENV]: storeDir }),
  });

  let mainWindow: BrowserWindow | null = null;
  const dialogs: NativeDialogs = {
    showOpenDialog: (options) =>
      mainWindow ? dialog.showOpenDialog(mainWindow, options) : dialog.showOpenDialog(options),
    showSaveDialog: (options) =>
      mainWindow ? dialog.showSaveDialog(mainWindow, options) : dialog.showSaveDialog(options),
  };
  const api = createDesktopApi(workbench, createShellHandlers({ dialogs, recentFiles }));
  ipcMain.handle(IPC_REQUEST, (event, raw: unknown) => {
    const frame = event.senderFrame;
    return answerIpcRequest(api, frame ? { url: frame.url, isMainFrame: frame.parent === null } : null, raw);
  });

  // Menu items and OS-opened files reach the renderer as `shell.command` events on the API's event stream.
  const sendCommand = (command: ShellCommand, file?: string) =>
    workbench.events.emit('shell.command', file === undefined ? { command } : { command, path: file });
  const readmePath = app.isPackaged
    ? path.join(process.resourcesPath, 'README.md')
    : path.join(app.getAppPath(), 'README.md');
  const applyMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate(
          { platform: process.platform, appName: APP_NAME, recentFiles: recentFiles.list() },
          {
            command: sendCommand,
            clearRecentFiles: () => void recentFiles.clear(),
            openReadme: () => void shell.openPath(readmePath),
            openDataFolder: () => void shell.openPath(storeDir),
          },
        ),
      ),
    );
  recentFiles.onChange((paths) => {
    applyMenu();
    if (paths[0]) app.addRecentDocument(paths[0]);
    else app.clearRecentDocuments();
  });
  applyMenu();

  const pendingWrites = new Set<Promise<void>>();
  const track = (write: Promise<void>) => {
    pendingWrites.add(write);
    void write.catch(() => undefined).finally(() => pendingWrites.delete(write));
  };

  const createWindow = async (): Promise<void> => {
    const saved = await readShellSettings(windowStateFile, windowState);
    const primary = screen.getPrimaryDisplay();
    const others = screen.getAllDisplays().filter((display) => display.id !== primary.id);
    const placement = restoreWindowPlacement(
      saved,
      [primary, ...others].map((display) => display.workArea),
    );
    const window = new BrowserWindow(mainWindowOptions(placement, path.join(OUT_DIR, 'preload', 'index.cjs')));
    mainWindow = window;
    if (placement.maximized) window.maximize();
    window.once('ready-to-show', () => window.show());

    const unsubscribe = workbench.onEvent((message) => {
      if (!window.isDestroyed()) window.webContents.send(IPC_EVENT, message);
    });
    window.on('close', () =>
      track(writeShellSettings(windowStateFile, captureWindowState(window.getNormalBounds(), window.isMaximized()))),
    );
    window.on('closed', () => {
      unsubscribe();
      if (mainWindow === window) mainWindow = null;
      openInWindow = null;
    });
    // The renderer's beforeunload vetoes closing while a notebook has unsaved changes; ask.
    window.webContents.on('will-prevent-unload', (event) => {
      if (dialog.showMessageBoxSync(window, unsavedChangesPrompt()) === 0) event.preventDefault();
    });
    // A crashed renderer (e.g. out of memory drawing a huge figure) comes back; the data lives in
    // main. At most once in 10 s, so a page that crashes on load does not reload forever.
    let lastReload = 0;
    window.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit' || window.isDestroyed() || Date.now() - lastReload < 10_000) return;
      lastReload = Date.now();
      window.reload();
    });

    await window.loadURL(`${APP_ORIGIN}/index.html`);
    openInWindow = (file) => sendCommand('open', file);
    for (const file of [...startupFiles.splice(0), ...pendingFiles.takeAll()]) openInWindow(file);
  };

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
    for (const file of notebookPathsFromArgv(argv.slice(1), workingDirectory)) openFromOs(file);
  });

  // Quitting waits for the window state to be written and the engine to stop.
  let shutDown = false;
  app.on('will-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    void Promise.allSettled([...pendingWrites, workbench.close()]).finally(() => {
      shutDown = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());

  await createWindow();
}
