import type { AnyMessage } from '../../common/api/messages';

/**
 * A running engine process as its host sees it. Implemented over a Node child process (headless
 * host, CLI) and over Electron's utilityProcess (desktop app); the protocol is the API envelope.
 */
export interface EngineChild {
  readonly pid: number | null;
  send(message: AnyMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process is gone; `reason` says how it died (exit code, signal, last stderr). */
  onExit(listener: (reason: string, expected: boolean) => void): void;
  kill(): void;
}

export type SpawnEngine = () => EngineChild;

/** The first message an engine process sends: it is up and answering. */
export const ENGINE_READY_EVENT = 'engine.ready';
