import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { ShellCommand } from '../../../common/api/contract/shell';
import {
  buildMenuTemplate,
  findMenuItem,
  recentFileLabel,
  type MenuActions,
  type MenuState,
} from '../../../main/electron/menuTemplate';

function recorder() {
  const done: Array<[string, ...unknown[]]> = [];
  const actions: MenuActions = {
    command: (command: ShellCommand, path?: string) =>
      done.push(path === undefined ? ['command', command] : ['command', command, path]),
    clearRecentFiles: () => done.push(['clearRecentFiles']),
    openReadme: () => done.push(['openReadme']),
    openDataFolder: () => done.push(['openDataFolder']),
  };
  return { done, actions };
}

const linux: MenuState = { platform: 'linux', appName: 'Z1 Workbench', recentFiles: [] };

function item(template: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  const found = findMenuItem(template, id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}

function click(template: MenuItemConstructorOptions[], id: string): void {
  (item(template, id).click as () => void)();
}

describe('buildMenuTemplate', () => {
  it('has File, Edit, View and Help on Linux and Windows', () => {
    const template = buildMenuTemplate(linux, recorder().actions);
    expect(template.map((m) => m.id)).toEqual(['file', 'edit', 'view', 'help']);
    expect(item(template, 'edit').role).toBe('editMenu');
  });

  it('adds the app and window menus on macOS, where File closes the window instead of quitting', () => {
    const template = buildMenuTemplate({ ...linux, platform: 'darwin' }, recorder().actions);
    expect(template.map((m) => m.role ?? m.id)).toEqual(['appMenu', 'file', 'editMenu', 'view', 'windowMenu', 'help']);
    const fileRoles = (item(template, 'file').submenu as MenuItemConstructorOptions[])
      .map((m) => m.role)
      .filter(Boolean);
    expect(fileRoles).toEqual(['close']);
  });

  it('sends each File command with its usual shortcut', () => {
    const { done, actions } = recorder();
    const template = buildMenuTemplate(linux, actions);
    const expected: Array<[string, ShellCommand, string]> = [
      ['file.new', 'new', 'CmdOrCtrl+N'],
      ['file.open', 'open', 'CmdOrCtrl+O'],
      ['file.save', 'save', 'CmdOrCtrl+S'],
      ['file.saveAs', 'saveAs', 'CmdOrCtrl+Shift+S'],
      ['file.export', 'export', 'CmdOrCtrl+E'],
    ];
    for (const [id, command, accelerator] of expected) {
      expect(item(template, id).accelerator).toBe(accelerator);
      click(template, id);
      expect(done.at(-1)).toEqual(['command', command]);
    }
    const fileRoles = (item(template, 'file').submenu as MenuItemConstructorOptions[])
      .map((m) => m.role)
      .filter(Boolean);
    expect(fileRoles).toEqual(['quit']);
  });

  it('lists recent notebooks newest first, opens them by path and can clear them', () => {
    const { done, actions } = recorder();
    const template = buildMenuTemplate({ ...linux, recentFiles: ['/r/new.z1.json', '/r/old.z1.json'] }, actions);
    const recent = item(template, 'file.recent').submenu as MenuItemConstructorOptions[];
    expect(recent.map((m) => m.label ?? m.type)).toEqual([
      'new.z1.json — /r',
      'old.z1.json — /r',
      'separator',
      'Clear Recent',
    ]);
    click(template, 'file.recent.1');
    expect(done.at(-1)).toEqual(['command', 'openRecent', '/r/old.z1.json']);
    click(template, 'file.recent.clear');
    expect(done.at(-1)).toEqual(['clearRecentFiles']);
  });

  it('shows a disabled placeholder when there are no recent notebooks', () => {
    const template = buildMenuTemplate(linux, recorder().actions);
    expect(item(template, 'file.recent').submenu).toEqual([
      { id: 'file.recent.none', label: 'No Recent Notebooks', enabled: false },
    ]);
  });

  it('has View items for zoom, reload, developer tools and full screen', () => {
    const template = buildMenuTemplate(linux, recorder().actions);
    const roles = (item(template, 'view').submenu as MenuItemConstructorOptions[]).map((m) => m.role).filter(Boolean);
    expect(roles).toEqual(['reload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it('opens the README and the data folder from Help', () => {
    const { done, actions } = recorder();
    const template = buildMenuTemplate(linux, actions);
    expect(item(template, 'help.readme').label).toBe('Z1 Workbench README');
    click(template, 'help.readme');
    click(template, 'help.dataFolder');
    expect(done).toEqual([['openReadme'], ['openDataFolder']]);
  });
});

describe('recentFileLabel', () => {
  it('escapes & so a path is not read as a keyboard mnemonic', () => {
    expect(recentFileLabel('/R&D/a&b.z1.json')).toBe('a&&b.z1.json — /R&&D');
  });
});
