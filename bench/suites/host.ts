import WebSocket from 'ws';
import { startTestHost } from '../../test/helpers/headlessHost';

const CALLS = 2000;

/**
 * API round trips per second: in-process dispatch, through the headless host's WebSocket, and
 * relayed to the engine process. The ratios show what each transport hop costs.
 */
export async function runHostBench(): Promise<Record<string, unknown>> {
  const t = await startTestHost();
  try {
    const direct = await timeCalls(async (id) => {
      await t.workbench.handle({ type: 'request', id, method: 'app.info', params: {} });
    });
    const socket = new WebSocket(`ws://127.0.0.1:${t.host.port}/api/ws?token=${t.token}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const waiting = new Map<number, () => void>();
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; id?: number };
      if (message.type === 'response' && message.id !== undefined) waiting.get(message.id)?.();
    });
    const overSocket = (method: string) =>
      timeCalls(
        (id) =>
          new Promise<void>((resolve) => {
            waiting.set(id, resolve);
            socket.send(JSON.stringify({ type: 'request', id, method, params: {} }));
          }),
      );
    const websocket = await overSocket('app.info');
    const engineRelay = await overSocket('engine.ping');
    socket.close();
    return {
      calls: CALLS,
      directCallsPerSecond: direct,
      websocketCallsPerSecond: websocket,
      engineRelayCallsPerSecond: engineRelay,
      websocketRatio: websocket / direct,
      engineRelayRatio: engineRelay / websocket,
    };
  } finally {
    await t.close();
  }
}

async function timeCalls(call: (id: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < 100; i++) await call(i + 1_000_000);
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) await call(i);
  return CALLS / ((performance.now() - start) / 1000);
}
