import os from 'node:os';
import type { Handlers } from '../../messaging/Dispatcher';
import type { HostContext } from '../HostContext';
import { appVersion } from '../appVersion';

export function createAppHandlers(ctx: HostContext): Handlers {
  return {
    'app.info': () => ({
      name: 'Z1 Workbench',
      version: appVersion,
      host: ctx.host,
      platform: process.platform,
      arch: os.arch(),
      nodeVersion: process.versions.node,
      storeDir: ctx.storeDir,
      startupNotebook: ctx.startupNotebook,
    }),
    'engine.status': () => ctx.engine.getStatus(),
    'engine.restart': () => ctx.engine.restart(),
  };
}
