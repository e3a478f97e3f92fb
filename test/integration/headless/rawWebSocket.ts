import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** A TCP connection with everything it received, for speaking HTTP and WebSocket byte by byte. */
export interface RawConnection {
  socket: net.Socket;
  received(): Buffer;
  /** Resolves when the peer has closed (or reset) the connection. */
  closed: Promise<void>;
}

export function connectRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined); // resets are expected when sending garbage
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** Resolves once `predicate` holds for what the connection received, or it closed, or `ms` passed. */
export async function waitForBytes(
  conn: RawConnection,
  predicate: (data: Buffer) => boolean,
  ms = 3000,
): Promise<Buffer> {
  const deadline = Date.now() + ms;
  let closed = false;
  void conn.closed.then(() => (closed = true));
  while (!predicate(conn.received()) && !closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return conn.received();
}

/** The HTTP status of the response a connection received (null before one arrived). */
export function statusOf(data: Buffer): number | null {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(data.toString('latin1'));
  return match ? Number(match[1]) : null;
}

export interface UpgradeRequest {
  path: string;
  token?: string | null;
  host?: string;
  headers?: Record<string, string>;
}

/** The text of a WebSocket upgrade request. */
export function upgradeRequest(port: number, request: UpgradeRequest): string {
  const headers: Record<string, string> = {
    Host: request.host ?? `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...(request.token ? { Authorization: `Bearer ${request.token}` } : {}),
    ...request.headers,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `GET ${request.path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** Sends an upgrade request on a new connection and waits for the response head. */
export async function rawUpgrade(
  port: number,
  request: UpgradeRequest,
): Promise<{ conn: RawConnection; status: number | null }> {
  const conn = await connectRaw(port);
  conn.socket.write(upgradeRequest(port, request));
  const data = await waitForBytes(conn, (d) => d.includes('\r\n\r\n'));
  return { conn, status: statusOf(data) };
}

export interface FrameOptions {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  /** RSV1–3 bits as a number 0–7. */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame (a protocol error). */
  masked?: boolean;
  /** Claim this payload length in the header instead of the real one. */
  declaredLength?: number;
}

/** One WebSocket frame as bytes (RFC 6455 §5.2). */
export function frame(options: FrameOptions): Buffer {
  const payload = options.payload ?? Buffer.alloc(0);
  const length = options.declaredLength ?? payload.length;
  const masked = options.masked ?? true;
  const head: number[] = [((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | options.opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    head.push(...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([Buffer.from(head), mask, body]);
}

/** The code of the first close frame in what the server sent after the 101 head (null if none). */
export function closeCodeOf(data: Buffer): number | null {
  let at = data.indexOf('\r\n\r\n');
  if (at === -1) return null;
  at += 4;
  while (at + 2 <= data.length) {
    const opcode = data[at]! & 0x0f;
    let length = data[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > data.length) return null;
      length = data.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > data.length) return null;
      length = Number(data.readBigUInt64BE(start));
      start += 8;
    }
    if (opcode === 0x8) return start + 2 <= data.length && length >= 2 ? data.readUInt16BE(start) : null;
    at = start + length;
  }
  return null;
}
