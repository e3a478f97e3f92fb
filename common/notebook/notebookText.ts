import { formatJsonLike } from './jsonLayout';

/**
 * The text a notebook is saved as: the value as the user wrote it (defaults stay implicit), laid
 * out like `previous` (the text it was opened from) so that unchanged parts keep their bytes and a
 * changed value changes only its own lines; without `previous`, 2-space JSON in Prettier's style
 * (a value on one line when it fits 120 columns) and a final newline. docs/notebook-format.md.
 */
export function formatNotebookText(notebook: unknown, previous: string | null = null): string {
  return formatJsonLike(notebook, previous);
}
