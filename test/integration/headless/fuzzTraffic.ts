import { frame, upgradeRequest } from './rawWebSocket';

/** What a fuzz case sends on one fresh TCP connection. */
export interface FuzzCase {
  kind: string;
  /** Written in order, a moment apart (so that frames can follow an upgrade's 101). */
  writes: Buffer[];
  /** Cut the connection (RST) after the last write instead of waiting for the host to close it. */
  reset: boolean;
}

export interface FuzzTarget {
  port: number;
  token: string;
}

type Random = () => number;

const int = (rng: Random, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Random, items: readonly T[]): T => items[int(rng, items.length)]!;
const bytes = (rng: Random, n: number) => Buffer.from(Array.from({ length: n }, () => int(rng, 256)));
const printable = (rng: Random, n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(32 + int(rng, 95))).join('');

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'CONNECT',
  'TRACE',
  'PRI',
  'G\x01T',
  'get',
];
const PATH_PIECES = [
  'api',
  'call',
  'ws',
  'assets',
  'index.html',
  '..',
  '.',
  '%',
  '%zz',
  '%00',
  '%2e%2e',
  '%c3',
  '%E0%A4%A',
  '%ff',
  '~',
  '@',
  ':',
  'é',
  '\u202e',
  '%25',
  'a'.repeat(3000),
  '',
];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x', 'FOO'];

function randomPath(rng: Random): string {
  if (rng() < 0.1) return pick(rng, ['*', 'http://127.0.0.1/', '//evil.example/x', 'api', '', '/?token=%zz']);
  const segments = Array.from({ length: 1 + int(rng, 5) }, () => pick(rng, PATH_PIECES));
  const query =
    rng() < 0.3 ? `?${pick(rng, ['token=', 'a=%zz', 'token=x&token=y', printable(rng, 8).replace(/[ #]/g, '')])}` : '';
  return `/${segments.join('/')}${query}`;
}

/** How the token rides along: not at all, right (three ways), wrong, or an empty cookie. */
function tokenHeaders(rng: Random, target: FuzzTarget): { query: string; headers: string[] } {
  switch (int(rng, 7)) {
    case 0:
      return { query: `token=${target.token}`, headers: [] };
    case 1:
      return { query: '', headers: [`Authorization: Bearer ${target.token}`] };
    case 2:
      return { query: '', headers: [`Cookie: z1wb_token=${target.token}`] };
    case 3:
      return { query: '', headers: ['Cookie: z1wb_token='] };
    case 4:
      return { query: `token=${target.token.slice(0, -1)}x`, headers: [] };
    default:
      return { query: '', headers: [] };
  }
}

function hostHeader(rng: Random, target: FuzzTarget): string[] {
  const hosts = [
    `127.0.0.1:${target.port}`,
    `localhost:${target.port}`,
    `[::1]:${target.port}`,
    'evil.example',
    `127.0.0.1:${target.port + 1}`,
    '',
    printable(rng, 20),
  ];
  const roll = rng();
  if (roll < 0.05) return [];
  if (roll < 0.1) return [`Host: a`, `Host: b`];
  return [`Host: ${roll < 0.7 ? hosts[0] : pick(rng, hosts)}`];
}

function randomHeaders(rng: Random): string[] {
  const names = [
    'Content-Type',
    'Accept',
    'X-Junk',
    'Transfer-Encoding',
    'Content-Length',
    'Connection',
    'Expect',
    'Origin',
    'Upgrade',
    printable(rng, 6).replace(/[:\s]/g, 'x'),
  ];
  return Array.from(
    { length: int(rng, 6) },
    () =>
      `${pick(rng, names)}: ${pick(rng, ['', 'chunked', '-1', '99999999999', 'close', '100-continue', 'websocket', 'null', printable(rng, 30)])}`,
  );
}

function httpRequest(rng: Random, target: FuzzTarget): FuzzCase {
  const token = tokenHeaders(rng, target);
  let path = randomPath(rng);
  if (token.query) path += (path.includes('?') ? '&' : '?') + token.query;
  const method = pick(rng, METHODS);
  const headers = [...hostHeader(rng, target), ...token.headers, ...randomHeaders(rng)];
  let body = Buffer.alloc(0);
  switch (int(rng, 5)) {
    case 0: {
      const json = pick(rng, [
        JSON.stringify({ type: 'request', id: int(rng, 100), method: 'app.info', params: {} }),
        JSON.stringify({
          type: 'request',
          id: -1,
          method: pick(rng, ['', 'nope', 'app.info']),
          params: printable(rng, 10),
        }),
        '{"type":"request"',
        printable(rng, 40),
        '[]',
        'null',
      ]);
      body = Buffer.from(json);
      headers.push(`Content-Length: ${rng() < 0.8 ? body.length : body.length + int(rng, 50) - 25}`);
      break;
    }
    case 1:
      body = Buffer.from(`${pick(rng, ['5', 'zz', '-1', 'ffffffffffff', '0'])}\r\n${printable(rng, 5)}\r\n0\r\n\r\n`);
      headers.push('Transfer-Encoding: chunked');
      break;
    case 2:
      headers.push(`Content-Length: ${pick(rng, [10 * 1024 * 1024 + 1, 2 ** 40, 123])}`);
      body = bytes(rng, int(rng, 2000));
      break;
    default:
      break;
  }
  const head = Buffer.from(`${method} ${path} ${pick(rng, VERSIONS)}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1');
  return { kind: 'http', writes: [Buffer.concat([head, body])], reset: rng() < 0.2 };
}

function halfRequest(rng: Random, target: FuzzTarget): FuzzCase {
  const whole = httpRequest(rng, target).writes[0]!;
  return { kind: 'half-request', writes: [whole.subarray(0, int(rng, whole.length))], reset: rng() < 0.5 };
}

function hugeHeaders(rng: Random, target: FuzzTarget): FuzzCase {
  const lines =
    rng() < 0.5
      ? [`X-Big: ${'a'.repeat(16_000 + int(rng, 100_000))}`]
      : Array.from({ length: 500 + int(rng, 3000) }, (_, i) => `X-${i}: ${printable(rng, 8)}`);
  const head = `GET /?token=${target.token} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\n${lines.join('\r\n')}\r\n\r\n`;
  return { kind: 'huge-headers', writes: [Buffer.from(head, 'latin1')], reset: false };
}

function garbage(rng: Random): FuzzCase {
  return { kind: 'garbage', writes: [bytes(rng, 1 + int(rng, 4096))], reset: rng() < 0.3 };
}

function randomFrame(rng: Random): Buffer {
  const json = () =>
    Buffer.from(
      JSON.stringify({
        type: 'request',
        id: int(rng, 1000),
        method: pick(rng, ['app.info', 'nope', '']),
        params: pick(rng, [{}, null, 3, { x: printable(rng, 5) }]),
      }),
    );
  switch (int(rng, 14)) {
    case 0:
      return frame({ opcode: 0x1, payload: json() });
    case 1:
      return frame({ opcode: 0x1, payload: Buffer.from(printable(rng, int(rng, 300))) });
    case 2:
      return frame({ opcode: 0x1, payload: Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28]) });
    case 3:
      return frame({ opcode: 0x2, payload: bytes(rng, int(rng, 300)) });
    case 4:
      return frame({ opcode: pick(rng, [0x9, 0xa]), payload: bytes(rng, int(rng, 140)) });
    case 5:
      return frame({
        opcode: 0x8,
        payload: Buffer.concat([Buffer.from([int(rng, 256), int(rng, 256)]), bytes(rng, int(rng, 10))]),
      });
    case 6:
      return frame({ opcode: pick(rng, [0x3, 0x4, 0x5, 0xb, 0xf]), payload: bytes(rng, 4) });
    case 7:
      return frame({ opcode: 0x1, payload: json(), masked: false });
    case 8:
      return frame({ opcode: 0x0, payload: bytes(rng, 10) });
    case 9:
      return frame({ opcode: 0x1, payload: json(), fin: false });
    case 10:
      return frame({ opcode: 0x9, payload: Buffer.alloc(2), fin: false });
    case 11:
      return frame({
        opcode: 0x1,
        payload: bytes(rng, 8),
        declaredLength: pick(rng, [10 * 1024 * 1024 + 1, 2 ** 53 - 1, 70_000]),
      });
    case 12:
      return frame({ opcode: 0x1, payload: json(), rsv: 1 + int(rng, 7) });
    default:
      return bytes(rng, 1 + int(rng, 64));
  }
}

function upgrade(rng: Random, target: FuzzTarget): FuzzCase {
  const authorised = rng() < 0.8;
  const headers: Record<string, string> = {};
  const variant = int(rng, 10);
  if (variant === 0)
    headers.Origin = pick(rng, ['null', 'http://[', 'http://evil.example', '', `http://127.0.0.1:${target.port}`]);
  if (variant === 1) headers['Sec-WebSocket-Version'] = pick(rng, ['8', '', 'x']);
  if (variant === 2) headers['Sec-WebSocket-Key'] = pick(rng, ['', 'short', printable(rng, 30)]);
  if (variant === 3) headers.Upgrade = pick(rng, ['h2c', '', 'WebSocket, x']);
  if (variant === 4) headers['Sec-WebSocket-Extensions'] = 'permessage-deflate; client_max_window_bits';
  const path = variant === 5 ? randomPath(rng) : '/api/ws';
  const request = Buffer.from(
    upgradeRequest(target.port, { path, token: authorised ? target.token : null, headers }),
    'latin1',
  );
  const frames = Array.from({ length: int(rng, 6) }, () => randomFrame(rng));
  // Cut the last frame short now and then: a connection that dies mid-frame.
  if (frames.length > 0 && rng() < 0.2)
    frames[frames.length - 1] = frames.at(-1)!.subarray(0, int(rng, frames.at(-1)!.length));
  return {
    kind: authorised ? 'upgrade+frames' : 'upgrade-without-token',
    writes: [request, ...frames],
    reset: rng() < 0.3,
  };
}

/** The i-th case of a run: its kind and bytes depend only on the seed's stream. */
export function fuzzCase(rng: Random, target: FuzzTarget): FuzzCase {
  const roll = rng();
  if (roll < 0.12) return garbage(rng);
  if (roll < 0.4) return httpRequest(rng, target);
  if (roll < 0.5) return halfRequest(rng, target);
  if (roll < 0.56) return hugeHeaders(rng, target);
  return upgrade(rng, target);
}
