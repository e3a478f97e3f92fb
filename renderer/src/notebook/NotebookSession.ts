import { createContext, useContext, useSyncExternalStore } from 'react';
import type { LoadedModel } from '../../../common/api/contract/generation';
import type { LoadedDataset } from '../../../common/api/contract/datasets';
import type { NotebookDraft } from './notebookDocument';

/**
 * What cells learn while the notebook is open and share with each other, outside the notebook
 * file: the model a model cell loaded, the first rows a dataset cell previewed. A prompt cell's
 * live preview needs both. Cells subscribe to it; the notebook itself does not re-render.
 */
export class NotebookSession {
  private readonly models = new Map<string, LoadedModel>();
  private readonly datasets = new Map<string, LoadedDataset>();
  private readonly listeners = new Set<() => void>();
  private readonly actions = new Map<string, () => Promise<void> | void>();
  private version = 0;

  constructor(
    /** The notebook as it is now (unsaved edits included), for runs.start and lookups. */
    readonly current: () => { path: string | null; notebook: NotebookDraft },
    /** Opens a stored sample's trajectory. */
    readonly openSample: (runId: string, key: string) => void,
  ) {}

  model(cellId: string): LoadedModel | undefined {
    return this.models.get(cellId);
  }
  dataset(cellId: string): LoadedDataset | undefined {
    return this.datasets.get(cellId);
  }
  setModel(cellId: string, model: LoadedModel | null): void {
    if (model) this.models.set(cellId, model);
    else this.models.delete(cellId);
    this.changed();
  }
  setDataset(cellId: string, dataset: LoadedDataset | null): void {
    if (dataset) this.datasets.set(cellId, dataset);
    else this.datasets.delete(cellId);
    this.changed();
  }

  /** A cell's ▶ action, registered by its frame while it is shown (Run all calls it). */
  registerAction(cellId: string, action: () => Promise<void> | void): () => void {
    this.actions.set(cellId, action);
    return () => {
      if (this.actions.get(cellId) === action) this.actions.delete(cellId);
    };
  }
  runCell(cellId: string): Promise<void> | void {
    return this.actions.get(cellId)?.();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getVersion = (): number => this.version;

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}

export const SessionContext = createContext<NotebookSession | null>(null);

/** The session; re-renders the caller when a model is loaded or a dataset previewed. */
export function useSession(): NotebookSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a notebook');
  useSyncExternalStore(session.subscribe, session.getVersion);
  return session;
}

/** The nearest cell of `type` above `index` (how a run cell finds its inputs when not named). */
export function nearestAbove<T extends NotebookDraft['cells'][number]['type']>(
  cells: readonly NotebookDraft['cells'][number][],
  index: number,
  type: T,
): Extract<NotebookDraft['cells'][number], { type: T }> | undefined {
  for (let i = index - 1; i >= 0; i--)
    if (cells[i]!.type === type) return cells[i] as Extract<NotebookDraft['cells'][number], { type: T }>;
  return undefined;
}
