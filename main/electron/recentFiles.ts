import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { readShellSettings, writeShellSettings } from './shellSettingsFile';

/** How many notebooks File › Open Recent lists (what most editors show). */
export const MAX_RECENT_FILES = 10;

export const recentFilesFile = z.object({ paths: z.array(z.string().min(1)) });

/** Moves `file` to the front of the list (newest first), without duplicates, at most `max` long. */
export function addRecentPath(paths: readonly string[], file: string, max = MAX_RECENT_FILES): string[] {
  const resolved = path.resolve(file);
  return [resolved, ...paths.filter((p) => p !== resolved)].slice(0, max);
}

/**
 * The recent-files list behind File › Open Recent, kept in a JSON file. Notebooks deleted or
 * moved since are dropped when the list is loaded, so the menu offers only what can be opened.
 */
export class RecentFiles {
  private paths: string[] = [];
  private readonly listeners = new Set<(paths: readonly string[]) => void>();

  constructor(
    private readonly file: string,
    private readonly max = MAX_RECENT_FILES,
  ) {}

  async load(exists: (file: string) => Promise<boolean> = fileExists): Promise<readonly string[]> {
    const saved = await readShellSettings(this.file, recentFilesFile);
    const candidates = (saved?.paths ?? []).filter((p) => path.isAbsolute(p)).slice(0, this.max);
    const present = await Promise.all(candidates.map(async (p) => ((await exists(p)) ? p : null)));
    this.paths = present.filter((p): p is string => p !== null);
    return this.list();
  }

  list(): readonly string[] {
    return [...this.paths];
  }

  async add(file: string): Promise<readonly string[]> {
    this.paths = addRecentPath(this.paths, file, this.max);
    await this.save();
    return this.list();
  }

  async clear(): Promise<void> {
    this.paths = [];
    await this.save();
  }

  /** Called after every change (the menu is rebuilt from it). */
  onChange(listener: (paths: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async save(): Promise<void> {
    await writeShellSettings(this.file, { paths: this.paths });
    for (const listener of this.listeners) listener(this.list());
  }
}

async function fileExists(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  return info?.isFile() ?? false;
}
