/**
 * An HTTP proxy in front of a real llama-server that injects the failures a remote run meets:
 * 503 and 429 answers, and streamed completions whose connection drops part-way. Only
 * completion requests are touched, each distinct one at most once (its repeat goes through), and
 * the kind of fault follows their number, so a run always ends and is repeatable.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'none' | '503' | '429' | 'drop-mid-stream';

export interface FaultProxy {
  readonly baseUrl: string;
  /** Faults injected so far, by kind. */
  readonly injected: Record<Fault, number>;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, faultFor: (completionNumber: number) => Fault): Promise<FaultProxy> {
  const injected: Record<Fault, number> = { none: 0, '503': 0, '429': 0, 'drop-mid-stream': 0 };
  let completions = 0;
  const seen = new Set<string>();
  const server: Server = createServer(async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    // Each distinct request fails at most once (its repeat goes through), so a run always ends.
    const first = !seen.has(body.toString());
    seen.add(body.toString());
    const fault = incoming.url?.endsWith('/completions') && first ? faultFor(++completions) : 'none';
    injected[fault] += 1;
    if (fault === '503' || fault === '429') {
      outgoing.writeHead(Number(fault), { 'content-type': 'application/json', 'retry-after': '0' });
      outgoing.end(JSON.stringify({ error: { code: Number(fault), message: fault === '503' ? 'Loading model' : 'Too many requests' } }));
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: targetPort, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        let events = 0;
        response.on('data', (chunk: Buffer) => {
          outgoing.write(chunk);
          events += chunk.toString().split('\n\n').length - 1;
          // A few tokens through, the connection dies (a crash, a proxy timeout, a network blip).
          if (fault === 'drop-mid-stream' && events >= 3) {
            response.destroy();
            outgoing.socket?.destroy();
          }
        });
        response.on('end', () => outgoing.end());
      },
    );
    upstream.on('error', () => outgoing.socket?.destroy());
    outgoing.on('close', () => upstream.destroy());
    upstream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    injected,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
