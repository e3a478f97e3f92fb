import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { ShellCommand } from '../../common/api/contract/shell';

export interface MenuState {
  platform: NodeJS.Platform;
  appName: string;
  /** Newest first, as RecentFiles keeps them. */
  recentFiles: readonly string[];
}

/** What the menu's items do; the Electron glue forwards commands to the renderer as `shell.command` events. */
export interface MenuActions {
  command(command: ShellCommand, path?: string): void;
  clearRecentFiles(): void;
  openReadme(): void;
  openDataFolder(): void;
}

/** Menu labels treat `&` as a mnemonic marker on Windows and Linux; a path may contain one. */
function escapeLabel(text: string): string {
  return text.replace(/&/g, '&&');
}

export function recentFileLabel(file: string): string {
  return escapeLabel(`${path.basename(file)} — ${path.dirname(file)}`);
}

/**
 * The application menu as plain data (Electron's template), built from state so a test can
 * read it and click its items. Rebuilt whenever the recent files change.
 */
export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const isMac = state.platform === 'darwin';
  const send = (command: ShellCommand) => () => actions.command(command);

  const recentItems: MenuItemConstructorOptions[] = state.recentFiles.length
    ? [
        ...state.recentFiles.map((file, index): MenuItemConstructorOptions => ({
          id: `file.recent.${index}`,
          label: recentFileLabel(file),
          click: () => actions.command('openRecent', file),
        })),
        { type: 'separator' },
        { id: 'file.recent.clear', label: 'Clear Recent', click: () => actions.clearRecentFiles() },
      ]
    : [{ id: 'file.recent.none', label: 'No Recent Notebooks', enabled: false }];

  const file: MenuItemConstructorOptions = {
    id: 'file',
    label: '&File',
    submenu: [
      { id: 'file.new', label: '&New Notebook', accelerator: 'CmdOrCtrl+N', click: send('new') },
      { id: 'file.open', label: '&Open…', accelerator: 'CmdOrCtrl+O', click: send('open') },
      { id: 'file.recent', label: 'Open &Recent', submenu: recentItems },
      { type: 'separator' },
      { id: 'file.save', label: '&Save', accelerator: 'CmdOrCtrl+S', click: send('save') },
      { id: 'file.saveAs', label: 'Save &As…', accelerator: 'CmdOrCtrl+Shift+S', click: send('saveAs') },
      { id: 'file.export', label: '&Export…', accelerator: 'CmdOrCtrl+E', click: send('export') },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    id: 'view',
    label: '&View',
    submenu: [
      { role: 'reload' },
      { role: 'toggleDevTools' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    id: 'help',
    role: 'help',
    label: '&Help',
    submenu: [
      { id: 'help.readme', label: `${state.appName} README`, click: () => actions.openReadme() },
      { id: 'help.dataFolder', label: 'Open Data Folder', click: () => actions.openDataFolder() },
      ...(isMac ? [] : [{ type: 'separator' } as const, { role: 'about' } as const]),
    ],
  };

  // Monaco's copy/paste/undo shortcuts on macOS only work when an Edit menu with these roles exists.
  const edit: MenuItemConstructorOptions = { id: 'edit', role: 'editMenu' };

  return isMac
    ? [{ id: 'app', label: state.appName, role: 'appMenu' }, file, edit, view, { role: 'windowMenu' }, help]
    : [file, edit, view, help];
}

/** Finds an item by id anywhere in a template (tests and the glue use it to reach items). */
export function findMenuItem(
  template: readonly MenuItemConstructorOptions[],
  id: string,
): MenuItemConstructorOptions | undefined {
  for (const item of template) {
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) {
      const found = findMenuItem(item.submenu, id);
      if (found) return found;
    }
  }
  return undefined;
}
