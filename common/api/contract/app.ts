import { z } from 'zod';
import { method } from '../method';

export const hostKind = z.enum(['electron', 'headless', 'cli']);

export const appInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: hostKind,
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  /** Where runs, notebooks' outputs and models live on this machine. */
  storeDir: z.string(),
  /** A notebook the host was started with (`npm run serve -- FILE`), opened by the UI at start. */
  startupNotebook: z.string().nullable(),
});
export type AppInfo = z.infer<typeof appInfo>;

export const appMethods = {
  'app.info': method({
    params: z.object({}).strict(),
    result: appInfo,
    doc: 'What this host is and where its data lives.',
  }),
};

export const logEvent = z.object({
  level: z.enum(['debug', 'info', 'warn', 'error']),
  source: z.string(),
  message: z.string(),
});

export const appEvents = {
  log: logEvent,
};
