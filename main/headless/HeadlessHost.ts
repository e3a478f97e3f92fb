import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Workbench } from '../api/Workbench';
import { allowedHosts, hostAllowed } from './allowedHosts';
import { RENDERER_CSP } from './contentSecurityPolicy';
import { readRequestBody } from './requestBody';
import { decodeUrlPath, readStaticFile } from './staticFiles';
import { TOKEN_COOKIE, presentedToken, tokenMatches, tokenProblem } from './tokenAuth';
import { originMatches, serveApiSocket } from './webSocketApi';

export interface HeadlessHostOptions {
  workbench: Workbench;
  /** The built renderer bundle (out/renderer). */
  rendererDir: string;
  /** At least 16 URL-safe characters (TOKEN_RULES); anything else is refused at start. */
  token: string;
  host?: string;
  port?: number;
  /** Host header values to accept besides the bound address and loopback names (`name` or `name:port`). */
  allowHosts?: readonly string[];
  /** What a WebSocket may hold unsent for a client that does not read before it is cut off (default 32 MiB). */
  maxBufferedBytes?: number;
}

export interface RunningHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Request bodies and WebSocket messages above this are refused (413, close code 1009). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const BODY_LIMITS = { maxBytes: MAX_BODY_BYTES, drainBytes: 64 * 1024 * 1024, drainMs: 10_000 };

const SECURITY_HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token travels in the first URL; never leak it to another origin.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const ignore = () => undefined;

/** The request target as a URL, when it is a path whose escapes decode; null otherwise (400). */
function requestTarget(raw: string | undefined): URL | null {
  if (!raw?.startsWith('/')) return null;
  try {
    // Prefixed rather than resolved against a base, so that `//name/x` stays a path.
    const url = new URL(`http://localhost${raw}`);
    return decodeUrlPath(url.pathname) === null ? null : url;
  } catch {
    return null;
  }
}

/** Answers on a raw socket (refused upgrades, unparseable requests) and closes it. */
function answerRaw(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) return void socket.destroy();
  const body = Buffer.from(text);
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${text}`,
    () => socket.destroy(),
  );
}

/**
 * Serves the renderer bundle and the API (WebSocket at /api/ws, HTTP POST at /api/call) to a
 * browser, like Jupyter. Every request is checked in this order, before anything else about it
 * is parsed: the token (query, bearer header or the session cookie; else 401), the Host header
 * (the bound address or a loopback name with the port; else 421), the target (a path whose
 * escapes decode; else 400). No request, authorised or not, can stop the host: every socket has
 * an `error` listener, and a broken request or frame ends only its own connection.
 */
export async function startHeadlessHost(options: HeadlessHostOptions): Promise<RunningHost> {
  const { workbench, rendererDir, token } = options;
  const problem = tokenProblem(token, 'the token');
  if (problem) throw new Error(problem);
  const bindHost = options.host ?? '127.0.0.1';
  const maxBufferedBytes = options.maxBufferedBytes ?? 32 * 1024 * 1024;
  let allowed = new Set<string>();

  /** Why a request may not go further (status and text), or null when it may. */
  function refusal(request: IncomingMessage): { status: number; text: string } | null {
    if (!tokenMatches(presentedToken(request), token))
      return { status: 401, text: '401: a valid token is required (open the URL printed by `z1wb serve`)' };
    if (!hostAllowed(allowed, request.headers.host))
      return {
        status: 421,
        text: `421: this host answers to ${[...allowed].join(', ')}, not to "${request.headers.host ?? ''}" (add a name with --allow-host)`,
      };
    return null;
  }

  const server = http.createServer((request, response) => {
    request.on('error', ignore);
    response.on('error', ignore);
    serveHttp(request, response).catch((error: unknown) => {
      try {
        if (response.headersSent) return void response.destroy();
        response.writeHead(500, { 'Content-Type': 'text/plain', Connection: 'close' });
        response.end(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      } catch {
        response.destroy(); // the connection went away while answering: nothing left to tell
      }
    });
  });
  server.on('connection', (socket: Socket) => socket.on('error', ignore));
  // A request Node cannot parse (garbage, headers over 16 KiB, a timeout): answer it if the
  // connection still can take an answer, then close that connection.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    socket.on('error', ignore);
    const inResponse = (socket as { _httpMessage?: unknown })._httpMessage !== undefined;
    if (error.code === 'ECONNRESET' || inResponse) return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    answerRaw(socket, status, `${status}: ${http.STATUS_CODES[status]}`);
  });

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refused = refusal(request);
    if (refused) {
      response.writeHead(refused.status, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS });
      response.end(refused.text);
      return;
    }
    const url = requestTarget(request.url);
    if (!url) {
      response.writeHead(400, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS });
      response.end('400: the request target is not a path with valid %-escapes');
      return;
    }
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
      const body = await readRequestBody(request, BODY_LIMITS);
      if (!body.ok) {
        if (body.reason === 'aborted') return void response.destroy();
        response.writeHead(413, { ...headers, 'Content-Type': 'text/plain', Connection: 'close' });
        response.end(`413: the request body is over ${MAX_BODY_BYTES} bytes`);
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.text);
      } catch {
        response.writeHead(400, { ...headers, 'Content-Type': 'application/json' });
        response.end(
          JSON.stringify({
            type: 'response',
            id: -1,
            error: { code: 'invalid-json', message: 'request body is not JSON' },
          }),
        );
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
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node removes its own listener from an upgraded socket: without this one, a reset kills the process.
    socket.on('error', ignore);
    const refused = refusal(request);
    if (refused) return answerRaw(socket, refused.status, refused.text);
    const url = requestTarget(request.url);
    if (!url) return answerRaw(socket, 400, '400: the request target is not a path with valid %-escapes');
    if (url.pathname !== '/api/ws') return answerRaw(socket, 404, '404: WebSockets are served at /api/ws');
    if (!originMatches(request.headers.origin, request.headers.host))
      return answerRaw(socket, 403, '403: the Origin is not this host');
    // ws answers a handshake it cannot accept (no key, another version) with 400 itself.
    sockets.handleUpgrade(request, socket, head, (ws) => serveApiSocket(ws, workbench, { maxBufferedBytes }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7860, bindHost, () => resolve());
  });
  // Once listening, a failed accept (out of file descriptors) is that connection's problem only.
  server.on('error', ignore);
  const port = (server.address() as AddressInfo).port;
  allowed = allowedHosts({ bindHost, port, extra: options.allowHosts ?? [] });
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
