import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { FileFilter } from '../../common/api/contract/shell';
import type { Handlers } from '../messaging/Dispatcher';
import type { RecentFiles } from './recentFiles';

/** Electron's dialog functions, bound to the main window by the glue (a fake in tests). */
export interface NativeDialogs {
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
}

/**
 * `z1.json` alone is not enough: macOS and Windows judge a file by its last extension only, so
 * `json` is listed too (the renderer validates what it opens).
 */
export const NOTEBOOK_FILTERS: FileFilter[] = [
  { name: 'Z1 notebooks', extensions: ['z1.json', 'json'] },
  { name: 'All files', extensions: ['*'] },
];

/**
 * Appends `extension` unless the name already ends with it; a name that ends with the tail of
 * it (`run.json` for `.z1.json`) gets the missing part instead of a doubled suffix.
 */
export function withExtension(file: string, extension: string): string {
  if (file.toLowerCase().endsWith(extension.toLowerCase())) return file;
  for (let i = 1; i < extension.length; i++) {
    const tail = extension.slice(i);
    if (tail.startsWith('.') && file.toLowerCase().endsWith(tail.toLowerCase())) {
      return file.slice(0, file.length - tail.length) + extension;
    }
  }
  return file + extension;
}

/** The `shell.*` methods as the Electron host answers them; params arrive validated by the Dispatcher. */
export function createShellHandlers(options: { dialogs: NativeDialogs; recentFiles: RecentFiles }): Handlers {
  const { dialogs, recentFiles } = options;
  return {
    'shell.showOpenDialog': async (params) => {
      const properties: OpenDialogOptions['properties'] = params.multiple
        ? ['openFile', 'multiSelections']
        : ['openFile'];
      const answer = await dialogs.showOpenDialog({
        ...(params.title === undefined ? {} : { title: params.title }),
        ...(params.defaultPath === undefined ? {} : { defaultPath: params.defaultPath }),
        filters: params.filters ?? NOTEBOOK_FILTERS,
        properties,
      });
      return { canceled: answer.canceled, paths: answer.canceled ? [] : answer.filePaths };
    },
    'shell.showSaveDialog': async (params) => {
      const answer = await dialogs.showSaveDialog({
        ...(params.title === undefined ? {} : { title: params.title }),
        ...(params.defaultPath === undefined ? {} : { defaultPath: params.defaultPath }),
        filters: params.filters ?? NOTEBOOK_FILTERS,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (answer.canceled || !answer.filePath) return { canceled: true, path: null };
      const chosen = params.ensureExtension ? withExtension(answer.filePath, params.ensureExtension) : answer.filePath;
      return { canceled: false, path: chosen };
    },
    'shell.recentFiles': () => ({ paths: [...recentFiles.list()] }),
    'shell.addRecentFile': async (params) => ({ paths: [...(await recentFiles.add(params.path))] }),
  };
}
