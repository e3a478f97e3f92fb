import type { WebSocket } from 'ws';
import type { Workbench } from '../api/Workbench';

/** True when a browser's Origin names this host; an Origin that is not a URL (`null`, junk) never does. */
export function originMatches(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true; // not a browser: the token alone decides
  try {
    return new URL(origin).host === host?.toLowerCase();
  } catch {
    return false;
  }
}

function errorAnswer(message: string): string {
  return JSON.stringify({ type: 'response', id: -1, error: { code: 'invalid-json', message } });
}

/**
 * Serves the API over one accepted WebSocket: each message is a request, answered on the same
 * socket, and every workbench event is pushed to it. A frame that breaks the protocol (too big,
 * invalid UTF-8, unmasked, a reserved opcode …) makes `ws` close this socket with the matching
 * close code (1009, 1007, 1002) and report an `error`; the listener here keeps that error from
 * reaching the process, so only this socket ends. A client that stops reading is cut off once
 * more than `maxBufferedBytes` wait for it, rather than filling the host's memory with events.
 */
export function serveApiSocket(ws: WebSocket, workbench: Workbench, options: { maxBufferedBytes: number }): void {
  const send = (text: string) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(text);
    if (ws.bufferedAmount > options.maxBufferedBytes) ws.terminate();
  };
  const unsubscribe = workbench.onEvent((event) => send(JSON.stringify(event)));
  // ws has already sent the close frame with the code; the socket ends when the peer answers it.
  ws.on('error', () => undefined);
  ws.on('close', unsubscribe);
  ws.on('message', (data) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      return send(errorAnswer('message is not JSON'));
    }
    workbench.handle(parsed).then(
      (answer) => send(JSON.stringify(answer)),
      (error: unknown) =>
        send(
          JSON.stringify({
            type: 'response',
            id: -1,
            error: { code: 'failed', message: error instanceof Error ? error.message : String(error) },
          }),
        ),
    );
  });
}
