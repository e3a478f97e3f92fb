/**
 * A relative .gguf path means "beside the notebook", as the runner reads it; the engine needs it
 * absolute. URIs (hf:, https:, fixture:) and absolute paths pass unchanged.
 */
export function resolveAgainstNotebook(source: string, notebookPath: string | null): string {
  if (!notebookPath || /^([a-z][a-z0-9+.-]*:|\/|[A-Za-z]:[\\/]|\\\\)/i.test(source)) return source;
  const separator = notebookPath.includes('\\') && !notebookPath.includes('/') ? '\\' : '/';
  const folder = notebookPath.slice(0, Math.max(notebookPath.lastIndexOf('/'), notebookPath.lastIndexOf('\\')));
  return `${folder}${separator}${source}`;
}
