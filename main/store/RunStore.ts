import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { ApiError } from '../../common/api/messages';
import { runRecord, type RunRecord, type RunStatus, type StoreIssue } from '../../common/api/contract/runs';
import { fileTimestamp, writeFileAtomic } from './atomicWrite';
import { RunFiles } from './RunFiles';
import { isNotWritable, ReadOnlyJSONFile } from './readOnlyStore';
import { pidLockHolder, tryPidLock } from '../locks/pidLock';

export const INDEX_FILE = 'index.json';
export const RUN_FILE = 'run.json';
export const LOCK_FILE = 'store.lock';
const INDEX_FORMAT = 'z1-store-index';

const notebookEntry = z.object({ path: z.string(), title: z.string(), lastOpened: z.string() });
export type NotebookEntry = z.infer<typeof notebookEntry>;

interface StoreIndex {
  format: typeof INDEX_FORMAT;
  version: 1;
  runs: RunRecord[];
  notebooks: NotebookEntry[];
}

const emptyIndex = (): StoreIndex => ({ format: INDEX_FORMAT, version: 1, runs: [], notebooks: [] });

export type NewRun = Omit<
  RunRecord,
  'id' | 'createdAt' | 'updatedAt' | 'finishedAt' | 'issues' | 'summary' | 'done' | 'status' | 'error'
>;

const openStores = new Map<string, { store: RunStore; users: number }>();

export interface OpenStoreOptions {
  /**
   * For commands that only read (`z1wb runs list|show|export|compare`): when the store cannot be
   * written (read-only files or disk, another user's store), open it without the lock and write
   * nothing. Without it such a store is an error that says so.
   */
  allowReadOnly?: boolean;
}

// A process that exits with stores open (a host shutting down) leaves no lock behind. Samples are
// already durable; a run in progress is found stopped at the next open.
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [root, { store }] of openStores)
      if (!store.readOnly) rmSync(path.join(root, LOCK_FILE), { force: true });
  });
}

/**
 * The store: a lowdb index (`index.json`: runs with their settings, provenance and summaries,
 * and recent notebooks) plus a folder per run (`runs/ID/run.json`, `samples.jsonl`,
 * `trajectories.jsonl`, and `samples.cache`, a rebuildable cache of samples.jsonl's columns).
 * The index is a cache of the runs' own `run.json` files: when it is damaged it is kept aside
 * and rebuilt from them. One process owns a store at a time (a lock
 * file holds its pid); within a process, `open` shares one instance per folder.
 */
export class RunStore {
  private readonly files = new Map<string, Promise<RunFiles>>();
  /** The same, once opened. */
  private readonly opened = new Map<string, RunFiles>();
  private closed = false;

  private constructor(
    readonly root: string,
    private readonly db: Low<StoreIndex>,
    /** What opening the store found and set aside. */
    readonly issues: StoreIssue[],
    /** Opened without the lock, writing nothing (OpenStoreOptions.allowReadOnly). */
    readonly readOnly: boolean,
  ) {}

  static async open(root: string, options: OpenStoreOptions = {}): Promise<RunStore> {
    const resolved = path.resolve(root);
    const shared = openStores.get(resolved);
    if (shared) {
      shared.users++;
      return shared.store;
    }
    const locked = await lockForWriting(resolved, options);
    if (locked) installExitHook();
    try {
      const store = await RunStore.load(resolved, !locked);
      openStores.set(resolved, { store, users: 1 });
      return store;
    } catch (error) {
      if (locked) await releaseLock(resolved);
      throw error;
    }
  }

  private static async load(root: string, readOnly: boolean): Promise<RunStore> {
    const indexPath = path.join(root, INDEX_FILE);
    const adapter = readOnly ? new ReadOnlyJSONFile<StoreIndex>(indexPath) : new JSONFile<StoreIndex>(indexPath);
    const db = new Low<StoreIndex>(adapter, emptyIndex());
    const issues: StoreIssue[] = [];
    const now = new Date().toISOString();
    let damaged: string | null = null;
    try {
      await db.read();
      const data = db.data as unknown as Partial<StoreIndex> | null;
      if (!data || data.format !== INDEX_FORMAT || !Array.isArray(data.runs) || !Array.isArray(data.notebooks)) {
        damaged = 'it is not a Z1 Workbench store index';
      }
    } catch (error) {
      damaged = `it is not valid JSON (${(error as Error).message})`;
    }
    if (damaged) {
      const keptAs = readOnly ? null : `${indexPath}.corrupt-${fileTimestamp()}`;
      if (keptAs) await copyFile(indexPath, keptAs);
      issues.push({
        kind: 'corrupt',
        file: indexPath,
        message: `the store index was unreadable: ${damaged}; ${keptAs ? 'kept aside and rebuilt' : 'read (the store is read-only here, nothing rewritten)'} from the runs' own files`,
        keptAs,
        at: now,
      });
      db.data = emptyIndex();
    }

    // Reconcile the index with the run folders: a run folder is the truth about a run.
    const store = new RunStore(root, db, issues, readOnly);
    const indexed = new Map<string, RunRecord>();
    for (const raw of db.data.runs) {
      const parsed = runRecord.safeParse(raw);
      if (parsed.success) indexed.set(parsed.data.id, parsed.data);
    }
    // A read-only store that never had a run has no runs folder (and none can be made).
    const folders = await readdir(path.join(root, 'runs'), { withFileTypes: true }).catch((error: unknown) => {
      if (readOnly && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    });
    const runs: RunRecord[] = [];
    const interrupted: string[] = [];
    for (const folder of folders.filter((f) => f.isDirectory())) {
      const fromIndex = indexed.get(folder.name);
      indexed.delete(folder.name);
      const record = fromIndex ?? (await store.readRunFile(folder.name));
      if (!record) continue;
      if (record.status === 'running') {
        // Nobody runs it now (the lock says this process just opened the store): it was interrupted.
        record.status = 'stopped';
        record.error = record.error ?? 'interrupted: the workbench stopped while this run was in progress';
        interrupted.push(record.id);
      }
      runs.push(record);
    }
    for (const lost of indexed.values()) {
      issues.push({
        kind: 'missing',
        file: store.runDir(lost.id),
        message: `run ${lost.id} (${lost.label}) is in the index but its folder is gone; dropped from the index`,
        keptAs: null,
        at: now,
      });
    }
    if (damaged) {
      issues.push({
        kind: 'index-rebuilt',
        file: indexPath,
        message: `index rebuilt from ${runs.length} run folder(s)`,
        keptAs: null,
        at: now,
      });
    }
    runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    db.data = {
      ...emptyIndex(),
      runs,
      notebooks: damaged ? [] : z.array(notebookEntry).catch([]).parse(db.data.notebooks),
    };
    await db.write();
    await store.countInterrupted(interrupted);
    return store;
  }

  /**
   * A run cut off while running (kill -9, power loss) has an index entry up to one checkpoint
   * behind its sample files: opening its files brings its count and summary in line with what is
   * on disk, so that the run list shows the samples really kept.
   */
  private async countInterrupted(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.runFiles(id).catch((error: unknown) =>
        this.issues.push({
          kind: 'corrupt',
          file: this.runDir(id),
          message: `run ${id}: its sample files could not be read to count them (${(error as Error).message})`,
          keptAs: null,
          at: new Date().toISOString(),
        }),
      );
    }
  }

  runDir(id: string): string {
    return path.join(this.root, 'runs', id);
  }

  list(
    filter: {
      notebookPath?: string;
      cellId?: string;
      status?: RunStatus;
      cacheKey?: string;
      settingsKey?: string;
    } = {},
  ): RunRecord[] {
    return this.db.data.runs.filter(
      (r) =>
        (filter.notebookPath === undefined || r.notebook.path === filter.notebookPath) &&
        (filter.cellId === undefined || r.notebook.cellId === filter.cellId) &&
        (filter.status === undefined || r.status === filter.status) &&
        (filter.cacheKey === undefined || r.cacheKey === filter.cacheKey) &&
        (filter.settingsKey === undefined || r.settingsKey === filter.settingsKey),
    );
  }

  get(id: string): RunRecord {
    const record = this.db.data.runs.find((r) => r.id === id);
    if (!record) throw new ApiError('unknown-run', `no run "${id}" in the store ${this.root}`);
    return record;
  }

  /** The run whose samples a cell with this cache key may reuse: a complete one, else the newest unfinished one. */
  findReusable(cacheKey: string): RunRecord | undefined {
    const matches = this.list({ cacheKey });
    return matches.find((r) => r.status === 'complete') ?? matches[0];
  }

  async createRun(init: NewRun): Promise<RunRecord> {
    this.assertOpen();
    this.assertWritable();
    const now = new Date().toISOString();
    const id = `r${now.slice(2, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
    const record: RunRecord = {
      ...init,
      id,
      status: 'stopped',
      error: null,
      done: 0,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      summary: null,
      issues: [],
    };
    await mkdir(this.runDir(id), { recursive: true });
    // run.json first: a folder without it is ignored, an index entry without a folder is dropped.
    await writeFileAtomic(path.join(this.runDir(id), RUN_FILE), JSON.stringify(record, null, 2) + '\n');
    this.db.data.runs.unshift(record);
    await this.db.write();
    return record;
  }

  /** Changes a run's record in the index and in its run.json. */
  async updateRun(id: string, patch: Partial<Omit<RunRecord, 'id'>>): Promise<RunRecord> {
    this.assertOpen();
    const record = this.get(id);
    Object.assign(record, patch, { updatedAt: new Date().toISOString() });
    if (this.readOnly) return record; // reconciled in memory only
    await writeFileAtomic(path.join(this.runDir(id), RUN_FILE), JSON.stringify(record, null, 2) + '\n');
    await this.db.write();
    // A run that stops or completes saves its sample cache, so that reopening it is quick.
    if (patch.status === 'complete' || patch.status === 'stopped') await this.opened.get(id)?.saveCache();
    return record;
  }

  /**
   * A run's sample files, opened once and shared (the runner appends, the API reads the same
   * records). Damage found on opening is recorded in the run's issues, and the run's count
   * and summary are brought in line with what is really on disk.
   */
  runFiles(id: string): Promise<RunFiles> {
    this.assertOpen();
    let files = this.files.get(id);
    if (!files) {
      const record = this.get(id);
      const opening = RunFiles.open(this.runDir(id)).catch((error: unknown) => {
        if (!this.readOnly || !isNotWritable(error)) throw error;
        throw new ApiError(
          'store-read-only',
          `run ${id}: its files need a repair (${(error as Error).message}), which a read-only store cannot take; open the store writable once (the app or z1wb run)`,
        );
      });
      files = opening.then(async ({ files: opened, issues }) => {
        if (issues.length > 0 || opened.count !== record.done || (record.summary === null && opened.count > 0)) {
          const complete = opened.count >= record.planned;
          await this.updateRun(id, {
            issues: [...record.issues, ...issues],
            done: opened.count,
            summary: opened.count > 0 ? opened.summarize(record.settings.samples) : null,
            status: record.status === 'complete' && !complete ? 'stopped' : record.status,
            error:
              record.status === 'complete' && !complete
                ? 'samples were lost to damaged files; resume to generate them again'
                : record.error,
          });
        }
        this.opened.set(id, opened);
        return opened;
      });
      files.catch(() => this.files.delete(id));
      this.files.set(id, files);
    }
    return files;
  }

  async deleteRun(id: string): Promise<boolean> {
    this.assertOpen();
    this.assertWritable();
    const index = this.db.data.runs.findIndex((r) => r.id === id);
    if (index === -1) return false;
    const files = this.files.get(id);
    this.files.delete(id);
    this.opened.delete(id);
    if (files) await (await files).close({ saveCache: false });
    this.db.data.runs.splice(index, 1);
    await this.db.write();
    await rm(this.runDir(id), { recursive: true, force: true });
    return true;
  }

  notebooks(): NotebookEntry[] {
    return [...this.db.data.notebooks];
  }

  async touchNotebook(notebookPath: string, title: string): Promise<void> {
    const entries = this.db.data.notebooks.filter((n) => n.path !== notebookPath);
    entries.unshift({ path: notebookPath, title, lastOpened: new Date().toISOString() });
    this.db.data.notebooks = entries.slice(0, 50);
    await this.db.write();
  }

  /** Flushes every open run file; the last user's close releases the lock. */
  async close(): Promise<void> {
    const shared = openStores.get(this.root);
    if (shared && --shared.users > 0) return;
    openStores.delete(this.root);
    this.closed = true;
    for (const files of this.files.values()) await (await files.catch(() => null))?.close();
    this.files.clear();
    this.opened.clear();
    await this.db.write();
    if (!this.readOnly) await releaseLock(this.root);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the store ${this.root} is closed`);
  }

  private assertWritable(): void {
    if (this.readOnly)
      throw new ApiError('store-read-only', `the store ${this.root} is read-only here: it can be read, not changed`);
  }

  private async readRunFile(id: string): Promise<RunRecord | null> {
    const file = path.join(this.runDir(id), RUN_FILE);
    const now = new Date().toISOString();
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return null; // a folder created a moment before a crash, before its run.json
    }
    try {
      const parsed = runRecord.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      throw new Error(parsed.error.issues[0]?.message ?? 'not a run record');
    } catch (error) {
      const keptAs = this.readOnly ? null : `${file}.corrupt-${fileTimestamp()}`;
      if (keptAs) await copyFile(file, keptAs);
      this.issues.push({
        kind: 'corrupt',
        file,
        message: `run ${id}: run.json is unreadable (${(error as Error).message}); the run is left out of the index, its samples stay on disk`,
        keptAs,
        at: now,
      });
      return null;
    }
  }
}

async function acquireLock(root: string): Promise<void> {
  const file = path.join(root, LOCK_FILE);
  if (await tryPidLock(file)) return;
  const holder = await pidLockHolder(file);
  throw new ApiError(
    'store-busy',
    holder === null
      ? `could not lock the store ${root}`
      : `the store ${root} is in use by process ${holder} (another Z1 Workbench or z1wb run)`,
  );
}

/**
 * Makes sure the runs folder exists and takes the lock: true. False when the store cannot be
 * written and the caller reads only (it then takes no lock: it cannot disturb a writer).
 */
async function lockForWriting(root: string, options: OpenStoreOptions): Promise<boolean> {
  try {
    await mkdir(path.join(root, 'runs'), { recursive: true });
    await acquireLock(root);
    return true;
  } catch (error) {
    if (!isNotWritable(error)) throw error;
    if (options.allowReadOnly) return false;
    throw new ApiError(
      'store-read-only',
      `the store ${root} cannot be written (${(error as NodeJS.ErrnoException).code}): running needs a writable store; give another with --store`,
    );
  }
}

async function releaseLock(root: string): Promise<void> {
  await rm(path.join(root, LOCK_FILE), { force: true });
}
