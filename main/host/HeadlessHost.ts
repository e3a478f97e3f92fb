import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Workbench } from '../api/Workbench';
import { RENDERER_CSP } from './contentSecurityPolicy';
import { readStaticFile } from './staticFiles';
import { TOKEN_COOKIE, presentedToken, tokenMatches } from './tokenAuth';

export interface HeadlessHostOptions {
  workbench: Workbench;
  /** The built renderer bundle (out/renderer). */
  rendererDir: string;
  token: string;
  host?: string;
  port?: number;
}

export interface RunningHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

const SECURITY_HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token travels in the first URL; never leak it to another origin.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * Serves the renderer bundle and the API (WebSocket at /api/ws, HTTP POST at /api/call) to a
 * browser, like Jupyter: every request must carry the token (query, bearer header or the cookie
 * set on the first authorised page load), otherwise 401.
 */
export async function startHeadlessHost(options: HeadlessHostOptions): Promise<RunningHost> {
  const { workbench, rendererDir, token } = options;
  const bindHost = options.host ?? '127.0.0.1';

  const server = http.createServer((request, response) => {
    void serveHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!tokenMatches(presentedToken(request), token)) {
      response.writeHead(401, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS });
      response.end('401: a valid token is required (open the URL printed by `npm run serve`)');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = { ...SECURITY_HEADERS };
    if (url.searchParams.has('token')) {
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (url.pathname === '/api/call') {
      if (request.method !== 'POST') {
        response.writeHead(405, { ...headers, Allow: 'POST' });
        response.end();
        return;
      }
      const body = await readBody(request);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        response.writeHead(400, { ...headers, 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ type: 'response', id: -1, error: { code: 'invalid-json', message: 'request body is not JSON' } }));
        return;
      }
      const answer = await workbench.handle(parsed);
      response.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
      response.end(JSON.stringify(answer));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, headers);
      response.end();
      return;
    }
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      response.end('not found');
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Type': file.contentType });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const sameOrigin = !request.headers.origin || new URL(request.headers.origin).host === request.headers.host;
    if (url.pathname !== '/api/ws' || !tokenMatches(presentedToken(request), token) || !sameOrigin) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attachSocket(ws));
  });

  function attachSocket(ws: WebSocket): void {
    const unsubscribe = workbench.onEvent((event) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
    });
    ws.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        ws.send(JSON.stringify({ type: 'response', id: -1, error: { code: 'invalid-json', message: 'message is not JSON' } }));
        return;
      }
      void workbench.handle(parsed).then((answer) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(answer));
      });
    });
    ws.on('close', unsubscribe);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7860, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
