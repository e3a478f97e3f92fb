import { z } from 'zod';
import { method } from '../method';

export const engineState = z.enum(['starting', 'ready', 'crashed', 'stopped']);

export const engineStatus = z.object({
  state: engineState,
  /** OS process id of the engine process, null while none runs. */
  pid: z.number().int().nullable(),
  /** How many times the engine process was restarted after a crash. */
  restarts: z.number().int().nonnegative(),
  /** Why the last engine process died (exit code or signal, and its last error line). */
  lastCrash: z.string().nullable(),
});
export type EngineStatus = z.infer<typeof engineStatus>;

export const engineMethods = {
  'engine.status': method({
    params: z.object({}).strict(),
    result: engineStatus,
    doc: 'State of the engine process as the host sees it.',
  }),
  'engine.restart': method({
    params: z.object({}).strict(),
    result: engineStatus,
    doc: 'Stops the engine process (cancelling its work) and starts a fresh one.',
  }),
  'engine.ping': method({
    params: z.object({}).strict(),
    result: z.object({ pid: z.number().int(), uptimeMs: z.number().nonnegative() }),
    home: 'engine',
    doc: 'Answered by the engine process itself: proves it is alive and responsive.',
  }),
};

export const engineEvents = {
  /** Emitted by the host on every engine state change, including crashes and restarts. */
  'engine.state': engineStatus,
};
