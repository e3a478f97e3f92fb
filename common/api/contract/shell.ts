import { z } from 'zod';
import { method } from '../method';

/**
 * The desktop shell: menu commands, native file dialogs and the recent-files list. Only the
 * Electron host answers these methods; every other host answers `unavailable`, which tells the
 * renderer to fall back to the browser's file picker and downloads.
 */

export const shellCommand = z.enum(['new', 'open', 'save', 'saveAs', 'export', 'openRecent']);
export type ShellCommand = z.infer<typeof shellCommand>;

/** A file-type filter of a native dialog: extensions without the leading dot, e.g. `z1.json`. */
export const fileFilter = z
  .object({
    name: z.string().min(1).max(100),
    extensions: z
      .array(
        z
          .string()
          .regex(/^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)$/, 'an extension without the leading dot, e.g. "z1.json"'),
      )
      .min(1)
      .max(20),
  })
  .strict();
export type FileFilter = z.infer<typeof fileFilter>;

// Paths come back from dialogs and go into them as a starting point; a bound keeps a hostile or
// buggy caller from handing the OS dialog megabytes of text.
const dialogPath = z.string().min(1).max(4096);

export const shellMethods = {
  'shell.showOpenDialog': method({
    params: z
      .object({
        title: z.string().max(200).optional(),
        defaultPath: dialogPath.optional(),
        /** Defaults to Z1 notebooks (`*.z1.json`, `*.json`). */
        filters: z.array(fileFilter).max(20).optional(),
        multiple: z.boolean().default(false),
      })
      .strict(),
    result: z.object({ canceled: z.boolean(), paths: z.array(z.string()) }),
    doc: 'Shows the native open dialog (Electron host only) and returns the chosen paths.',
  }),
  'shell.showSaveDialog': method({
    params: z
      .object({
        title: z.string().max(200).optional(),
        defaultPath: dialogPath.optional(),
        /** Defaults to Z1 notebooks. */
        filters: z.array(fileFilter).max(20).optional(),
        /** Appended when the chosen name lacks it (Linux dialogs do not add extensions), e.g. `.z1.json`. */
        ensureExtension: z
          .string()
          .regex(/^(\.[A-Za-z0-9_-]+)+$/, 'an extension with its leading dot, e.g. ".z1.json"')
          .optional(),
      })
      .strict(),
    result: z.object({ canceled: z.boolean(), path: z.string().nullable() }),
    doc: 'Shows the native save dialog (Electron host only) and returns the chosen path.',
  }),
  'shell.recentFiles': method({
    params: z.object({}).strict(),
    result: z.object({ paths: z.array(z.string()) }),
    doc: 'The recently opened or saved notebooks, newest first (Electron host only).',
  }),
  'shell.addRecentFile': method({
    params: z.object({ path: dialogPath }).strict(),
    result: z.object({ paths: z.array(z.string()) }),
    doc: 'Records a notebook the renderer opened or saved, for File › Open Recent (Electron host only).',
  }),
};

export const shellEvents = {
  /**
   * A menu item or the OS asked the renderer to act: `open` without a path means "ask the user"
   * (shell.showOpenDialog); `open` with a path comes from a `.z1.json` opened from the OS;
   * `openRecent` always carries its path.
   */
  'shell.command': z.object({ command: shellCommand, path: z.string().optional() }),
};
