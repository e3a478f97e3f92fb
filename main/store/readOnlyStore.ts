import type { Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';

/** What the file system says when a store cannot be written: read-only files, disk or another user's store. */
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

export function isNotWritable(error: unknown): boolean {
  return NOT_WRITABLE.has((error as NodeJS.ErrnoException)?.code ?? '');
}

/**
 * The index of a store opened read-only: read as usual, never written. What opening reconciles
 * (interrupted runs, counts taken from the sample files) lives in memory for that process only.
 */
export class ReadOnlyJSONFile<T> implements Adapter<T> {
  private readonly file: JSONFile<T>;

  constructor(filename: string) {
    this.file = new JSONFile<T>(filename);
  }

  read(): Promise<T | null> {
    return this.file.read();
  }

  async write(): Promise<void> {}
}
