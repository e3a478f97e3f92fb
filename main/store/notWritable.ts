/** What the file system says when a store cannot be written: read-only files, disk or another user's store. */
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

export function isNotWritable(error: unknown): boolean {
  return NOT_WRITABLE.has((error as NodeJS.ErrnoException)?.code ?? '');
}
