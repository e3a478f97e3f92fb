import type { Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';

// Apart from lowdb, so that the run files load without it.
export { isNotWritable } from './notWritable';

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
