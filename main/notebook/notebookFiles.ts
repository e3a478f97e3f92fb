import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../../common/api/messages';
import type { OpenedNotebook } from '../../common/api/contract/notebooks';
import { formatNotebookText } from '../../common/notebook/notebookText';
import { validateNotebook, validateNotebookText } from '../../common/notebook/validateNotebook';
import { migrateNotebook } from '../../common/notebook/notebookMigrations';
import type { Notebook } from '../../common/notebook/notebookSchema';
import { writeFileAtomic } from '../store/atomicWrite';

/** The example notebooks shipped with the app (experiments/ of the checkout or the app folder). */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../experiments', import.meta.url));

export const NOTEBOOK_SUFFIX = '.z1.json';

/** Reads, migrates and validates a notebook file; a missing or unreadable file is an ApiError. */
export async function openNotebookFile(file: string): Promise<OpenedNotebook> {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = await readFile(resolved, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ApiError(
      code === 'ENOENT' ? 'not-found' : 'failed',
      `cannot read notebook ${resolved}: ${(error as Error).message}`,
    );
  }
  const result = validateNotebookText(text);
  return { path: resolved, text, notebook: result.notebook, issues: result.issues, migratedFrom: result.migratedFrom };
}

/** Reads a notebook that must be valid (for running it): the first issue becomes the error. */
export async function readValidNotebook(file: string): Promise<Notebook> {
  const opened = await openNotebookFile(file);
  if (!opened.notebook) {
    const lines = opened.issues.map((i) => `  ${i.line !== null ? `line ${i.line}:${i.column}: ` : ''}${i.message}`);
    throw new ApiError(
      'invalid-notebook',
      `${opened.path} is not a valid notebook:\n${lines.join('\n')}`,
      opened.issues[0]?.path,
    );
  }
  return opened.notebook;
}

/**
 * Validates and writes a notebook atomically, as the user wrote it: the value is written without
 * the schema's defaults, laid out like `layout` (the text the client opened, for Save as) or else
 * like the file already at `file`, so an unchanged notebook saves byte-identical and a changed
 * value changes only its own lines (formatNotebookText).
 */
export async function saveNotebookFile(
  file: string,
  value: unknown,
  options: { layout?: string } = {},
): Promise<{ path: string; bytes: number }> {
  const result = validateNotebook(value);
  if (!result.notebook) {
    const first = result.issues[0]!;
    throw new ApiError(
      'invalid-params',
      `notebook.${first.message}${result.issues.length > 1 ? ` (and ${result.issues.length - 1} more)` : ''}`,
      `notebook.${first.path}`,
    );
  }
  const resolved = path.resolve(file);
  const previous = options.layout ?? (await readFile(resolved, 'utf8').catch(() => null));
  const text = formatNotebookText(migrateNotebook(value).notebook, previous);
  await writeFileAtomic(resolved, text);
  return { path: resolved, bytes: Buffer.byteLength(text) };
}

export async function exampleNotebooks(dir = EXAMPLES_DIR): Promise<Array<{ path: string; title: string }>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: Array<{ path: string; title: string }> = [];
  for (const name of names.filter((n) => n.endsWith(NOTEBOOK_SUFFIX)).sort()) {
    const file = path.join(dir, name);
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { metadata?: { title?: unknown } };
      out.push({ path: file, title: typeof parsed.metadata?.title === 'string' ? parsed.metadata.title : name });
    } catch {
      out.push({ path: file, title: name });
    }
  }
  return out;
}
