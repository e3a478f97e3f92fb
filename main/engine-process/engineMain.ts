import { Dispatcher } from '../messaging/Dispatcher';
import { EventHub } from '../messaging/EventHub';
import type { AnyMessage } from '../../common/api/messages';
import { ENGINE_READY_EVENT } from '../messaging/EngineChild';
import { createEngineHandlers } from './engineHandlers';

/**
 * Entry point of the engine process. It speaks the API envelope with its host over the
 * process's message port: Node's IPC channel when forked by the headless host or the CLI,
 * Electron's parentPort when started as a utilityProcess by the desktop app.
 */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const electronPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(message: AnyMessage): void {
  if (electronPort) electronPort.postMessage(message);
  else process.send?.(message);
}

function onMessage(listener: (raw: unknown) => void): void {
  if (electronPort) electronPort.on('message', (event) => listener(event.data));
  else process.on('message', listener);
}

const events = new EventHub();
events.subscribe(post);
const dispatcher = new Dispatcher(createEngineHandlers(events));

onMessage((raw) => {
  void dispatcher.handle(raw).then(post);
});

// Without a host the engine has no reason to live (the host died or closed the channel).
if (!electronPort) process.on('disconnect', () => process.exit(0));

post({ type: 'event', event: ENGINE_READY_EVENT, data: { pid: process.pid } });
