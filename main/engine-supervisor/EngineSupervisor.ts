import {
  ApiError,
  anyMessage,
  type EventMessage,
  type RequestMessage,
  type ResponseMessage,
} from '../../common/api/messages';
import type { EngineStatus } from '../../common/api/contract/engine';
import { ENGINE_READY_EVENT, type EngineChild, type SpawnEngine } from '../messaging/EngineChild';

export interface EngineSupervisorOptions {
  spawn: SpawnEngine;
  /** Receives every state change (for the `engine.state` event) … */
  onStatus: (status: EngineStatus) => void;
  /** … and every event the engine emits (tokens, progress, logs). */
  onEvent: (event: EventMessage) => void;
  /** Wait before restarting a crashed engine; doubles on each crash within a minute. */
  restartDelayMs?: number;
  /** After this many crashes within a minute, stop restarting (a crash loop helps nobody). */
  maxRapidRestarts?: number;
}

type Pending = { resolve: (response: ResponseMessage) => void; method: string };

/**
 * Owns the engine process: starts it, relays requests to it, and when it dies unexpectedly
 * (llama.cpp abort, out of memory, kill -9) fails the requests in flight with a clear error,
 * reports the crash and starts a fresh process.
 */
export class EngineSupervisor {
  private child: EngineChild | null = null;
  private status: EngineStatus = { state: 'stopped', pid: null, restarts: 0, lastCrash: null };
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readyWaiters: Array<() => void> = [];
  private recentCrashes: number[] = [];
  private restartTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: EngineSupervisorOptions) {}

  getStatus(): EngineStatus {
    return { ...this.status };
  }

  start(): void {
    if (this.closed || this.child) return;
    const child = this.options.spawn();
    this.child = child;
    this.setStatus({ state: 'starting', pid: child.pid });
    child.onMessage((raw) => this.receive(child, raw));
    child.onExit((reason, expected) => this.exited(child, reason, expected));
  }

  /** Kills the current process (if any) and starts a new one; work in flight fails. */
  async restart(): Promise<EngineStatus> {
    this.stopChild('engine restarted on request');
    this.start();
    await this.whenReady(30_000);
    return this.getStatus();
  }

  /** Sends a validated request to the engine, waiting for it to be ready first. */
  async relay(request: RequestMessage): Promise<ResponseMessage> {
    if (this.status.state !== 'ready') await this.whenReady(30_000);
    const child = this.child;
    if (!child) throw new ApiError('engine-unavailable', 'the engine process is not running');
    const id = this.nextId++;
    return new Promise<ResponseMessage>((resolve) => {
      this.pending.set(id, {
        method: request.method,
        resolve: (response) => resolve({ ...response, id: request.id }),
      });
      child.send({ ...request, id });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.stopChild('engine stopped');
  }

  private whenReady(timeoutMs: number): Promise<void> {
    if (this.status.state === 'ready') return Promise.resolve();
    if (this.closed) return Promise.reject(new ApiError('engine-unavailable', 'the engine is stopped'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== done);
        reject(new ApiError('engine-unavailable', `the engine did not become ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.readyWaiters.push(done);
    });
  }

  private receive(child: EngineChild, raw: unknown): void {
    if (child !== this.child) return;
    const parsed = anyMessage.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'event') {
      if (message.event === ENGINE_READY_EVENT) {
        // An Electron utilityProcess has no pid until it runs: take the one the engine reports.
        const pid = (message.data as { pid?: unknown } | null)?.pid;
        this.setStatus({ state: 'ready', pid: typeof pid === 'number' ? pid : child.pid });
        const waiters = this.readyWaiters;
        this.readyWaiters = [];
        for (const waiter of waiters) waiter();
      } else {
        this.options.onEvent(message);
      }
    } else if (message.type === 'response') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      pending.resolve(message);
    }
  }

  private exited(child: EngineChild, reason: string, expected: boolean): void {
    if (child !== this.child) return;
    this.child = null;
    this.failPending(expected ? 'engine-stopped' : 'engine-crashed', reason);
    if (expected || this.closed) {
      this.setStatus({ state: 'stopped', pid: null });
      return;
    }
    const now = Date.now();
    this.recentCrashes = [...this.recentCrashes.filter((t) => now - t < 60_000), now];
    this.setStatus({ state: 'crashed', pid: null, lastCrash: reason });
    const maxRapid = this.options.maxRapidRestarts ?? 5;
    if (this.recentCrashes.length > maxRapid) return;
    const delay = (this.options.restartDelayMs ?? 250) * 2 ** (this.recentCrashes.length - 1);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.status.restarts += 1;
      this.start();
    }, delay);
  }

  private stopChild(reason: string): void {
    const child = this.child;
    if (!child) return;
    this.child = null;
    this.failPending('engine-stopped', reason);
    child.kill();
    this.setStatus({ state: 'stopped', pid: null });
  }

  private failPending(code: string, reason: string): void {
    for (const [id, pending] of this.pending) {
      pending.resolve({
        type: 'response',
        id,
        error: { code, message: `${pending.method} failed: the engine process ${reason}` },
      });
    }
    this.pending.clear();
  }

  private setStatus(change: Partial<EngineStatus>): void {
    this.status = { ...this.status, ...change };
    this.options.onStatus(this.getStatus());
  }
}
