import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { IPC_EVENT, IPC_REQUEST } from '../../../common/api/bridge';
import type { EventMessage, ResponseMessage } from '../../../common/api/messages';
import { findMenuItem } from '../../../main/electron/menuTemplate';
import { REPO_ROOT, waitFor } from '../../helpers/headlessHost';
import * as fake from './fakeElectron';

// The real Electron binary cannot run here, so the built main bundle runs against a stand-in
// `electron` module (see fakeElectron.ts); everything else is real, including the engine process.
vi.mock('electron', () => import('./fakeElectron'));

const MAIN_BUNDLE = path.join(REPO_ROOT, 'out', 'main', 'index.js');
const APP_FRAME = { url: 'app://workbench/index.html', parent: null };

let window: fake.BrowserWindow;
let userData: string;
let storeDir: string;
let argvNotebook: string;
let osNotebook: string;
let nextId = 1;

function ipc(raw: unknown, senderFrame: unknown = APP_FRAME): Promise<ResponseMessage> {
  const handler = fake.ipcMain.handlers.get(IPC_REQUEST);
  if (!handler) throw new Error('no IPC handler registered');
  return handler({ senderFrame }, raw) as Promise<ResponseMessage>;
}

async function call(method: string, params: unknown = {}): Promise<unknown> {
  const answer = await ipc({ type: 'request', id: nextId++, method, params });
  if ('error' in answer) throw new Error(`${method}: ${answer.error.code}: ${answer.error.message}`);
  return answer.result;
}

function eventsSent(name: string): unknown[] {
  return window.webContents.sent
    .filter((s) => s.channel === IPC_EVENT && (s.message as EventMessage).event === name)
    .map((s) => (s.message as EventMessage).data);
}

function menuItem(id: string): MenuItemConstructorOptions {
  const menu = fake.Menu.applied.at(-1);
  const item = menu && findMenuItem(menu.template as MenuItemConstructorOptions[], id);
  if (!item) throw new Error(`no menu item ${id}`);
  return item;
}

function click(id: string): void {
  (menuItem(id).click as () => void)();
}

describe('Electron main bundle (out/main/index.js) with a stand-in electron module, since the binary cannot run here', () => {
  beforeAll(async () => {
    if (!existsSync(MAIN_BUNDLE)) {
      execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: 'inherit' });
    }
    userData = await mkdtemp(path.join(os.tmpdir(), 'z1wb-userdata-'));
    storeDir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-store-'));
    process.env.Z1WB_STORE = storeDir;
    fake.app.userData = userData;
    fake.app.appPath = REPO_ROOT;
    // Saved on a second monitor that is no longer connected.
    await writeFile(
      path.join(userData, 'window-state.json'),
      JSON.stringify({ x: 4000, y: 200, width: 1600, height: 1000, maximized: false }),
    );
    argvNotebook = path.join(storeDir, 'from-argv.z1.json');
    osNotebook = path.join(storeDir, 'from-finder.z1.json');
    process.argv.push(argvNotebook);

    await import(MAIN_BUNDLE);
    // macOS may deliver open-file before 'ready': it must wait for the window, not be lost.
    const openFile = { preventDefault: vi.fn() };
    fake.app.emit('open-file', openFile, osNotebook);
    expect(openFile.preventDefault).toHaveBeenCalled();
    fake.app.becomeReady();
    await waitFor('the main window to load', () => fake.BrowserWindow.instances[0]?.loadedUrl != null);
    window = fake.BrowserWindow.instances[0]!;
  });

  afterAll(async () => {
    process.argv.splice(process.argv.indexOf(argvNotebook), 1);
    for (const fork of fake.utilityProcess.forks) fork.process.kill();
  });

  it('registers app:// as a privileged scheme and sandboxes every renderer before the app is ready', () => {
    expect(fake.protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(fake.calls.indexOf('app.enableSandbox')).toBeLessThan(fake.calls.indexOf('app.ready'));
    expect(fake.calls.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(fake.calls.indexOf('app.ready'));
    expect(fake.calls).toContain('app.requestSingleInstanceLock');
  });

  it('opens one window from app://workbench with the secure preferences and the built CommonJS preload', () => {
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    expect(window.loadedUrl).toBe('app://workbench/index.html');
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.preload).toBe(path.join(REPO_ROOT, 'out', 'preload', 'index.cjs'));
    expect(existsSync(prefs.preload as string)).toBe(true);
  });

  it('brings a window saved on a vanished monitor back onto the primary display', () => {
    expect(window.options.x).toBeUndefined();
    expect(window.options.y).toBeUndefined();
    expect(window.options).toMatchObject({ width: 1600, height: 1000, show: false });
  });

  it('serves only files of out/renderer through the protocol, with the CSP header', async () => {
    const handler = fake.protocol.handlers.get('app')!;
    const page = await handler(new Request('app://workbench/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    for (const escape of [
      'app://workbench/../../package.json',
      'app://workbench/%2e%2e/%2e%2e/package.json',
      'app://workbench/..%2f..%2fpackage.json',
      'app://workbench/assets/..%5c..%5cpackage.json',
    ]) {
      expect((await handler(new Request(escape))).status, escape).toBe(404);
    }
    expect((await handler(new Request('app://elsewhere/index.html'))).status).toBe(404);
    expect((await handler(new Request('app://workbench/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('answers the API over IPC as the Electron host, with the notebook from argv as the startup notebook', async () => {
    const info = (await call('app.info')) as { host: string; storeDir: string; startupNotebook: string | null };
    expect(info).toMatchObject({ host: 'electron', storeDir, startupNotebook: argvNotebook });
  });

  it('refuses IPC from a foreign origin, an iframe or a vanished frame, and rejects bad payloads', async () => {
    const request = { type: 'request', id: 41, method: 'app.info', params: {} };
    for (const frame of [{ url: 'https://evil.example/', parent: null }, { ...APP_FRAME, parent: {} }, null]) {
      expect(await ipc(request, frame)).toMatchObject({ id: 41, error: { code: 'forbidden' } });
    }
    expect(await ipc('junk')).toMatchObject({ id: -1, error: { code: 'invalid-params' } });
    expect(await ipc({ type: 'request', id: 42, method: 'app.info', params: { extra: 1 } })).toMatchObject({
      id: 42,
      error: { code: 'invalid-params', path: 'params' },
    });
    expect(
      await ipc({ type: 'request', id: 43, method: 'shell.showSaveDialog', params: { filters: [{ name: 'x' }] } }),
    ).toMatchObject({ id: 43, error: { code: 'invalid-params', path: 'params.filters[0].extensions' } });
    expect(fake.dialog.saveCalls).toHaveLength(0);
  });

  it('starts the engine as a utilityProcess running the bundled engine entry', async () => {
    await waitFor(
      'the engine to be ready',
      async () => ((await call('engine.status')) as { state: string }).state === 'ready',
    );
    expect(fake.utilityProcess.forks[0]).toMatchObject({
      entry: path.join(REPO_ROOT, 'out', 'main', 'engine.js'),
      options: { serviceName: 'Z1 Workbench engine' },
    });
    const ping = (await call('engine.ping')) as { pid: number };
    expect(ping.pid).toBe(fake.utilityProcess.forks[0]!.process.pid);
  });

  it('shows an engine crash in the window and restarts the engine', async () => {
    const first = fake.utilityProcess.forks[0]!.process;
    process.kill(first.pid!, 'SIGKILL');
    await waitFor('a crash event', () =>
      eventsSent('engine.state').some((s) => (s as { state: string }).state === 'crashed'),
    );
    expect(eventsSent('engine.state')).toContainEqual(
      expect.objectContaining({ state: 'crashed', lastCrash: expect.stringContaining('exited') }),
    );
    await waitFor('the restarted engine', () =>
      eventsSent('engine.state').some(
        (s) =>
          (s as { state: string; restarts: number }).state === 'ready' && (s as { restarts: number }).restarts === 1,
      ),
    );
    expect(fake.utilityProcess.forks).toHaveLength(2);
    const ping = (await call('engine.ping')) as { pid: number };
    expect(ping.pid).toBe(fake.utilityProcess.forks[1]!.process.pid);
  });

  it('sends a notebook the OS opened before the window existed as an open command', () => {
    expect(eventsSent('shell.command')).toContainEqual({ command: 'open', path: osNotebook });
  });

  it('turns menu clicks into shell.command events for the renderer', () => {
    for (const [id, command] of [
      ['file.new', 'new'],
      ['file.open', 'open'],
      ['file.save', 'save'],
      ['file.saveAs', 'saveAs'],
      ['file.export', 'export'],
    ] as const) {
      click(id);
      expect(eventsSent('shell.command').at(-1)).toEqual({ command });
    }
    click('help.readme');
    expect(fake.shell.opened.at(-1)).toBe(path.join(REPO_ROOT, 'README.md'));
  });

  it('answers the native dialogs through the API and keeps the recent files in the menu', async () => {
    fake.dialog.openAnswer = { canceled: false, filePaths: ['/data/a.z1.json'] };
    expect(await call('shell.showOpenDialog', {})).toEqual({ canceled: false, paths: ['/data/a.z1.json'] });
    const [parent, options] = fake.dialog.openCalls[0]!;
    expect(parent).toBe(window);
    expect(options).toMatchObject({ properties: ['openFile'], filters: [{ extensions: ['z1.json', 'json'] }, {}] });

    fake.dialog.saveAnswer = { canceled: false, filePath: '/data/b' };
    expect(await call('shell.showSaveDialog', { ensureExtension: '.z1.json' })).toEqual({
      canceled: false,
      path: '/data/b.z1.json',
    });

    const notebook = path.join(storeDir, 'recent.z1.json');
    expect(await call('shell.addRecentFile', { path: notebook })).toEqual({ paths: [notebook] });
    expect(fake.app.recentDocuments).toContain(notebook);
    expect(JSON.parse(await readFile(path.join(userData, 'recent-files.json'), 'utf8'))).toEqual({ paths: [notebook] });
    click('file.recent.0');
    expect(eventsSent('shell.command').at(-1)).toEqual({ command: 'openRecent', path: notebook });
    click('file.recent.clear');
    await waitFor(
      'the menu without recent files',
      () =>
        fake.Menu.applied.at(-1) !== undefined &&
        !!findMenuItem(fake.Menu.applied.at(-1)!.template as MenuItemConstructorOptions[], 'file.recent.none'),
    );
    expect(await call('shell.recentFiles')).toEqual({ paths: [] });
  });

  it('focuses the window and opens the notebook when a second instance is launched with one', () => {
    fake.app.emit('second-instance', {}, ['/opt/z1/z1-workbench', '--flag', 'more.z1.json'], '/home/u/papers');
    expect(window.focused).toBe(true);
    expect(eventsSent('shell.command').at(-1)).toEqual({ command: 'open', path: '/home/u/papers/more.z1.json' });
  });

  it('blocks navigation away from the app, new windows and permission requests', () => {
    const away = { preventDefault: vi.fn(), url: 'https://evil.example/' };
    window.webContents.emit('will-navigate', away, away.url);
    expect(away.preventDefault).toHaveBeenCalled();
    const inside = { preventDefault: vi.fn(), url: 'app://workbench/index.html#runs' };
    window.webContents.emit('will-navigate', inside, inside.url);
    expect(inside.preventDefault).not.toHaveBeenCalled();

    expect(window.webContents.windowOpenHandler!({ url: 'https://arxiv.org/abs/2504.00810' })).toEqual({
      action: 'deny',
    });
    expect(window.webContents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.shell.external).toEqual(['https://arxiv.org/abs/2504.00810']);

    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
      fake.session.defaultSession.requestHandler!({}, permission, (ok) => granted.push(ok));
      expect(fake.session.defaultSession.checkHandler!({}, permission)).toBe(false);
    }
    expect(granted).toEqual([false, false, false, false]);
  });

  it('asks before discarding unsaved changes, and leaves only when the user says so', () => {
    fake.dialog.messageBoxAnswer = 1;
    const stay = { preventDefault: vi.fn() };
    window.webContents.emit('will-prevent-unload', stay);
    expect(stay.preventDefault).not.toHaveBeenCalled();
    fake.dialog.messageBoxAnswer = 0;
    const leave = { preventDefault: vi.fn() };
    window.webContents.emit('will-prevent-unload', leave);
    expect(leave.preventDefault).toHaveBeenCalled();
  });

  it('reloads a crashed renderer, but not in a loop', () => {
    window.webContents.emit('render-process-gone', {}, { reason: 'oom' });
    window.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(window.reloads).toBe(1);
  });

  it('remembers the window bounds on close and stops the engine before quitting', async () => {
    window.emit('close');
    window.destroyed = true;
    window.emit('closed');
    fake.app.emit('window-all-closed');
    expect(fake.app.quitCount).toBe(1);
    const quit = { preventDefault: vi.fn() };
    fake.app.emit('will-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalled();
    await waitFor('the app to quit after shutting down', () => fake.app.quitCount === 2);
    expect(JSON.parse(await readFile(path.join(userData, 'window-state.json'), 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: 1600,
      height: 1000,
      maximized: false,
    });
    const engine = fake.utilityProcess.forks[1]!.process;
    await waitFor(
      'the engine to exit',
      () =>
        (engine as unknown as { child: { exitCode: number | null; signalCode: string | null } }).child.signalCode !==
        null,
    );
  });
});
