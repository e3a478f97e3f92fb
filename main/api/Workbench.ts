import type { EventMessage, ResponseMessage } from '../../common/api/messages';
import type { AppInfo } from '../../common/api/contract/app';
import { Dispatcher, type Handlers } from '../messaging/Dispatcher';
import { EventHub } from '../messaging/EventHub';
import { EngineSupervisor } from '../engine-supervisor/EngineSupervisor';
import type { SpawnEngine } from '../messaging/EngineChild';
import { createAppHandlers } from './handlers/appHandlers';
import { createNotebookHandlers } from './handlers/notebookHandlers';
import { createRunHandlers } from './handlers/runHandlers';
import { createDatasetHandlers } from './handlers/datasetHandlers';
import type { HostContext } from './HostContext';
import { experimentsOf, type Experiments } from './experiments';

export interface WorkbenchOptions {
  host: AppInfo['host'];
  storeDir: string;
  startupNotebook?: string | null;
  spawnEngine: SpawnEngine;
}

/**
 * The main-side services behind the API, independent of how front ends connect: every host
 * (Electron IPC, headless WebSocket/HTTP, CLI) feeds raw messages to `handle` and subscribes
 * to `onEvent`.
 */
export class Workbench {
  readonly events = new EventHub();
  readonly engine: EngineSupervisor;
  private readonly dispatcher: Dispatcher;
  private readonly context: HostContext;

  constructor(readonly options: WorkbenchOptions) {
    this.engine = new EngineSupervisor({
      spawn: options.spawnEngine,
      onStatus: (status) => this.events.emit('engine.state', status),
      onEvent: (event) => this.events.forward(event),
    });
    this.context = {
      host: options.host,
      storeDir: options.storeDir,
      startupNotebook: options.startupNotebook ?? null,
      engine: this.engine,
      events: this.events,
    };
    this.dispatcher = new Dispatcher(this.hostHandlers(), (request) => this.engine.relay(request));
    this.engine.start();
  }

  /** The store and runner behind the API (opened on first use): the CLI's `run` uses the same ones. */
  experiments(): Promise<Experiments> {
    return experimentsOf(this.context);
  }

  handle(raw: unknown): Promise<ResponseMessage> {
    return this.dispatcher.handle(raw);
  }

  onEvent(listener: (message: EventMessage) => void): () => void {
    return this.events.subscribe(listener);
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  /** Every host-side handler module; each concern adds its own (notebooks, runs, grading …). */
  private hostHandlers(): Handlers {
    const ctx = this.context;
    return {
      ...createAppHandlers(ctx),
      ...createNotebookHandlers(ctx),
      ...createRunHandlers(ctx),
      ...createDatasetHandlers(ctx),
    };
  }
}
