import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The notebook file extension the app registers with the OS (see electron-builder.yml). */
export const NOTEBOOK_EXTENSION = '.z1.json';

export function isNotebookPath(file: string): boolean {
  return file.toLowerCase().endsWith(NOTEBOOK_EXTENSION);
}

/**
 * The notebooks named on a command line: the app's own argv at start, or the argv a second
 * launch forwards through `second-instance` (Windows and Linux open files that way). Flags
 * (Chromium adds some of its own) and the executable or app directory are skipped; relative
 * paths are resolved against the launching process's working directory; `file://` URLs (some
 * Linux file managers pass those) become paths.
 */
export function notebookPathsFromArgv(argv: readonly string[], workingDirectory: string): string[] {
  const found: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) continue;
    let candidate = arg;
    if (arg.startsWith('file://')) {
      try {
        candidate = fileURLToPath(arg);
      } catch {
        continue;
      }
    }
    if (!isNotebookPath(candidate)) continue;
    const resolved = path.resolve(workingDirectory, candidate);
    if (!found.includes(resolved)) found.push(resolved);
  }
  return found;
}

/**
 * Files the OS asks the app to open (macOS `open-file`, argv elsewhere) before the window exists
 * are queued; the first becomes the startup notebook and the rest are sent once the window is up.
 */
export class PendingOpenFiles {
  private readonly queue: string[] = [];

  add(file: string): void {
    if (!this.queue.includes(file)) this.queue.push(file);
  }

  takeAll(): string[] {
    return this.queue.splice(0);
  }
}
