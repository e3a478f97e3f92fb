import type { AppInfo } from '../../common/api/contract/app';
import type { EngineSupervisor } from '../engine-supervisor/EngineSupervisor';
import type { EventHub } from '../messaging/EventHub';

/** What host-side handler modules get: where data lives, the engine, and the event stream. */
export interface HostContext {
  host: AppInfo['host'];
  storeDir: string;
  startupNotebook: string | null;
  engine: EngineSupervisor;
  events: EventHub;
}
