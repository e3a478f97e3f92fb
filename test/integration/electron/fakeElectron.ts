import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

/**
 * A stand-in for the `electron` module, because the Electron binary cannot be downloaded or run
 * on these machines. It imitates only the calls main/electron/index.ts makes and records them;
 * everything behind those calls is real: the built main bundle, the Workbench, the protocol
 * handler reading out/renderer, and the engine, which `utilityProcess.fork` starts as a real
 * Node child running out/main/engine.js (the same entry and message protocol a utilityProcess gets).
 */

class Deferred {
  resolve!: () => void;
  readonly promise = new Promise<void>((resolve) => (this.resolve = resolve));
}

export const calls: string[] = [];
const ready = new Deferred();

class FakeApp extends EventEmitter {
  readonly recentDocuments: string[] = [];
  quitCount = 0;
  userData = '';
  isPackaged = false;
  appPath = '';
  enableSandbox(): void {
    calls.push('app.enableSandbox');
  }
  requestSingleInstanceLock(): boolean {
    calls.push('app.requestSingleInstanceLock');
    return true;
  }
  whenReady(): Promise<void> {
    return ready.promise;
  }
  /** The test decides when the app is ready (so it can send `open-file` before). */
  becomeReady(): void {
    calls.push('app.ready');
    ready.resolve();
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`fake app.getPath: unexpected ${name}`);
    return this.userData;
  }
  getAppPath(): string {
    return this.appPath;
  }
  addRecentDocument(file: string): void {
    this.recentDocuments.push(file);
  }
  clearRecentDocuments(): void {
    this.recentDocuments.length = 0;
  }
  quit(): void {
    this.quitCount += 1;
  }
}
export const app = new FakeApp();

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    calls.push('protocol.registerSchemesAsPrivileged');
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    this.handlers.set(scheme, handler);
  },
};

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type PermissionCheckHandler = (contents: unknown, permission: string) => boolean;
export const session = {
  defaultSession: {
    requestHandler: null as PermissionRequestHandler | null,
    checkHandler: null as PermissionCheckHandler | null,
    setPermissionRequestHandler(handler: PermissionRequestHandler): void {
      this.requestHandler = handler;
    },
    setPermissionCheckHandler(handler: PermissionCheckHandler): void {
      this.checkHandler = handler;
    },
  },
};

export const ipcMain = {
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    this.handlers.set(channel, handler);
  },
};

export interface FakeMenu {
  template: unknown[];
}
export const Menu = {
  applied: [] as FakeMenu[],
  buildFromTemplate(template: unknown[]): FakeMenu {
    return { template };
  },
  setApplicationMenu(menu: FakeMenu): void {
    this.applied.push(menu);
  },
};

export const dialog = {
  openCalls: [] as unknown[][],
  saveCalls: [] as unknown[][],
  openAnswer: { canceled: true, filePaths: [] as string[] },
  saveAnswer: { canceled: true, filePath: '' },
  messageBoxAnswer: 1,
  async showOpenDialog(...args: unknown[]) {
    this.openCalls.push(args);
    return this.openAnswer;
  },
  async showSaveDialog(...args: unknown[]) {
    this.saveCalls.push(args);
    return this.saveAnswer;
  },
  showMessageBoxSync(): number {
    return this.messageBoxAnswer;
  },
};

export const shell = {
  opened: [] as string[],
  external: [] as string[],
  async openPath(file: string): Promise<string> {
    this.opened.push(file);
    return '';
  },
  async openExternal(url: string): Promise<void> {
    this.external.push(url);
  },
};

const workArea = { x: 0, y: 0, width: 1920, height: 1080 };
export const screen = {
  getPrimaryDisplay: () => ({ id: 1, workArea }),
  getAllDisplays: () => [{ id: 1, workArea }],
};

class FakeWebContents extends EventEmitter {
  readonly sent: Array<{ channel: string; message: unknown }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  destroyed = false;
  maximized = false;
  focused = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds() {
    const { x = 10, y = 20, width, height } = this.options as { x?: number; y?: number; width: number; height: number };
    return { x, y, width, height };
  }
  show(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {
    this.focused = true;
  }
  reloads = 0;
  reload(): void {
    this.reloads += 1;
  }
}

/** What utilityProcess.fork returns, over a real Node child process. */
class FakeUtilityProcess extends EventEmitter {
  readonly stderr;
  constructor(private readonly child: ChildProcess) {
    super();
    this.stderr = child.stderr;
    // Electron's utilityProcess emits the message itself (not an event object) and an exit code.
    child.on('message', (message) => this.emit('message', message));
    child.on('exit', (code, signal) => this.emit('exit', code ?? (signal ? 1 : 0)));
  }
  get pid(): number | undefined {
    return this.child.pid;
  }
  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as never);
  }
  kill(): boolean {
    return this.child.kill('SIGKILL');
  }
}

export const utilityProcess = {
  forks: [] as Array<{ entry: string; args: string[]; options: Record<string, unknown>; process: FakeUtilityProcess }>,
  fork(entry: string, args: string[], options: Record<string, unknown>): FakeUtilityProcess {
    const child = fork(entry, args, { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    const utility = new FakeUtilityProcess(child);
    this.forks.push({ entry, args, options, process: utility });
    return utility;
  },
};

export default { app, protocol, session, ipcMain, Menu, dialog, shell, screen, BrowserWindow, utilityProcess };
