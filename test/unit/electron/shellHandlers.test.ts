import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../../main/messaging/Dispatcher';
import { Workbench } from '../../../main/api/Workbench';
import type { EngineChild } from '../../../main/messaging/EngineChild';
import { RecentFiles } from '../../../main/electron/recentFiles';
import {
  createShellHandlers,
  NOTEBOOK_FILTERS,
  withExtension,
  type NativeDialogs,
} from '../../../main/electron/shellHandlers';

async function shellApi(answers: { open?: string[] | null; save?: string | null } = {}) {
  const seen: { open: OpenDialogOptions[]; save: SaveDialogOptions[] } = { open: [], save: [] };
  const dialogs: NativeDialogs = {
    showOpenDialog: async (options) => {
      seen.open.push(options);
      return answers.open ? { canceled: false, filePaths: answers.open } : { canceled: true, filePaths: [] };
    },
    showSaveDialog: async (options) => {
      seen.save.push(options);
      return answers.save ? { canceled: false, filePath: answers.save } : { canceled: true, filePath: '' };
    },
  };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-shell-'));
  const recentFiles = new RecentFiles(path.join(dir, 'recent-files.json'));
  const dispatcher = new Dispatcher(createShellHandlers({ dialogs, recentFiles }));
  let id = 1;
  const call = async (method: string, params: unknown) => {
    const answer = await dispatcher.handle({ type: 'request', id: id++, method, params });
    if ('error' in answer) throw new Error(answer.error.message);
    return answer.result;
  };
  return { call, seen };
}

describe('shell.showOpenDialog', () => {
  it('offers notebooks by default and returns the chosen file', async () => {
    const { call, seen } = await shellApi({ open: ['/d/a.z1.json'] });
    expect(await call('shell.showOpenDialog', {})).toEqual({ canceled: false, paths: ['/d/a.z1.json'] });
    expect(seen.open[0]).toEqual({ filters: NOTEBOOK_FILTERS, properties: ['openFile'] });
  });

  it("passes a caller's title, folder, filters and multiple selection through", async () => {
    const { call, seen } = await shellApi({ open: ['/d/1.jsonl', '/d/2.jsonl'] });
    const filters = [{ name: 'Datasets', extensions: ['jsonl', 'parquet'] }];
    const result = await call('shell.showOpenDialog', { title: 'Import', defaultPath: '/d', filters, multiple: true });
    expect(result).toEqual({ canceled: false, paths: ['/d/1.jsonl', '/d/2.jsonl'] });
    expect(seen.open[0]).toEqual({
      title: 'Import',
      defaultPath: '/d',
      filters,
      properties: ['openFile', 'multiSelections'],
    });
  });

  it('reports a cancelled dialog with no paths', async () => {
    const { call } = await shellApi();
    expect(await call('shell.showOpenDialog', {})).toEqual({ canceled: true, paths: [] });
  });
});

describe('shell.showSaveDialog', () => {
  it('asks before overwriting and returns the chosen path', async () => {
    const { call, seen } = await shellApi({ save: '/d/run.z1.json' });
    expect(await call('shell.showSaveDialog', { defaultPath: 'run.z1.json' })).toEqual({
      canceled: false,
      path: '/d/run.z1.json',
    });
    expect(seen.save[0]!.properties).toContain('showOverwriteConfirmation');
  });

  it('adds the notebook extension Linux dialogs leave off', async () => {
    const { call } = await shellApi({ save: '/d/run' });
    expect(await call('shell.showSaveDialog', { ensureExtension: '.z1.json' })).toEqual({
      canceled: false,
      path: '/d/run.z1.json',
    });
  });

  it('reports a cancelled dialog with a null path', async () => {
    const { call } = await shellApi({ save: null });
    expect(await call('shell.showSaveDialog', {})).toEqual({ canceled: true, path: null });
  });
});

describe('withExtension', () => {
  it('appends, keeps, or completes the extension', () => {
    expect(withExtension('/d/run', '.z1.json')).toBe('/d/run.z1.json');
    expect(withExtension('/d/run.z1.json', '.z1.json')).toBe('/d/run.z1.json');
    expect(withExtension('/d/run.Z1.JSON', '.z1.json')).toBe('/d/run.Z1.JSON');
    expect(withExtension('/d/run.json', '.z1.json')).toBe('/d/run.z1.json');
    expect(withExtension('/d/figure', '.svg')).toBe('/d/figure.svg');
  });
});

describe('recent files through the API', () => {
  it('records and lists notebooks newest first', async () => {
    const { call } = await shellApi();
    await call('shell.addRecentFile', { path: '/d/a.z1.json' });
    expect(await call('shell.addRecentFile', { path: '/d/b.z1.json' })).toEqual({
      paths: ['/d/b.z1.json', '/d/a.z1.json'],
    });
    expect(await call('shell.recentFiles', {})).toEqual({ paths: ['/d/b.z1.json', '/d/a.z1.json'] });
  });
});

describe('hosts without a desktop shell', () => {
  it('answer shell methods with "unavailable", so the renderer falls back to browser pickers and downloads', async () => {
    const idle: EngineChild = { pid: null, send: () => {}, onMessage: () => {}, onExit: () => {}, kill: () => {} };
    const workbench = new Workbench({ host: 'headless', storeDir: os.tmpdir(), spawnEngine: () => idle });
    try {
      for (const method of [
        'shell.showOpenDialog',
        'shell.showSaveDialog',
        'shell.recentFiles',
        'shell.addRecentFile',
      ]) {
        const params = method === 'shell.addRecentFile' ? { path: '/a.z1.json' } : {};
        const answer = await workbench.handle({ type: 'request', id: 1, method, params });
        expect(answer, method).toMatchObject({
          error: { code: 'unavailable', message: expect.stringContaining(method) },
        });
      }
    } finally {
      await workbench.close();
    }
  });
});
