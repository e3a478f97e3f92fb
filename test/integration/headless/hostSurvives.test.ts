import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeCodeOf, connectRaw, frame, rawUpgrade, statusOf, waitForBytes } from './rawWebSocket';
import { appInfo, request, serveRefusal, startServe, type ServeProcess } from './serveProcess';

const MAX_BODY = 10 * 1024 * 1024;

/** A WebSocket to /api/ws with the token, open. */
async function authorisedUpgrade(t: ServeProcess) {
  const { conn, status } = await rawUpgrade(t.port, { path: '/api/ws', token: t.token });
  expect(status).toBe(101);
  return conn;
}

describe('z1wb serve survives what used to crash it (a real host process)', () => {
  let t: ServeProcess;
  beforeAll(async () => {
    t = await startServe();
  });
  afterAll(async () => {
    await t?.stop();
  });
  afterEach(async () => {
    expect(t.alive(), t.stderr()).toBe(true);
    expect((await appInfo(t.origin, t.token)).body).toMatchObject({ id: 7, result: { name: 'Z1 Workbench' } });
  });

  it('refuses a WebSocket upgrade with Origin: null: 401 without the token, 403 with it', async () => {
    const anonymous = await rawUpgrade(t.port, { path: '/api/ws', headers: { Origin: 'null' } });
    expect(anonymous.status).toBe(401);
    const withToken = await rawUpgrade(t.port, { path: '/api/ws', token: t.token, headers: { Origin: 'null' } });
    expect(withToken.status).toBe(403);
    const junk = await rawUpgrade(t.port, { path: '/api/ws', token: t.token, headers: { Origin: 'http://[' } });
    expect(junk.status).toBe(403);
    const sameHost = await rawUpgrade(t.port, { path: '/api/ws', token: t.token, headers: { Origin: t.origin } });
    expect(sameHost.status).toBe(101);
    sameHost.conn.socket.destroy();
  });

  it('closes a socket whose message is over the limit with 1009 (declared, and really sent)', async () => {
    const declared = await authorisedUpgrade(t);
    declared.socket.write(frame({ opcode: 0x1, declaredLength: MAX_BODY + 1, payload: Buffer.from('{') }));
    expect(closeCodeOf(await waitForBytes(declared, (d) => closeCodeOf(d) !== null))).toBe(1009);
    declared.socket.destroy();

    const client = new WebSocket(`ws://127.0.0.1:${t.port}/api/ws`, {
      headers: { Authorization: `Bearer ${t.token}` },
    });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('open', resolve));
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    client.send(Buffer.alloc(MAX_BODY + 1, 0x20).toString());
    expect(await closed).toBe(1009);
  });

  it('closes a socket that sends invalid UTF-8 with 1007', async () => {
    const conn = await authorisedUpgrade(t);
    conn.socket.write(frame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]) }));
    expect(closeCodeOf(await waitForBytes(conn, (d) => closeCodeOf(d) !== null))).toBe(1007);
    conn.socket.destroy();
  });

  it('closes a socket that breaks the framing with 1002 (unmasked, reserved opcode, RSV bits, long ping)', async () => {
    const broken = [
      frame({ opcode: 0x1, payload: Buffer.from('{}'), masked: false }),
      frame({ opcode: 0x3, payload: Buffer.from('x') }),
      frame({ opcode: 0x1, payload: Buffer.from('{}'), rsv: 4 }),
      frame({ opcode: 0x9, payload: Buffer.alloc(200) }),
    ];
    for (const bytes of broken) {
      const conn = await authorisedUpgrade(t);
      conn.socket.write(bytes);
      expect(closeCodeOf(await waitForBytes(conn, (d) => closeCodeOf(d) !== null))).toBe(1002);
      conn.socket.destroy();
    }
  });

  it('answers a request through the WebSocket after a client reset another one mid-frame', async () => {
    const torn = await authorisedUpgrade(t);
    torn.socket.write(frame({ opcode: 0x1, payload: Buffer.alloc(1000, 0x61) }).subarray(0, 300));
    torn.socket.resetAndDestroy();
    const client = new WebSocket(`ws://127.0.0.1:${t.port}/api/ws`, {
      headers: { Authorization: `Bearer ${t.token}` },
    });
    await new Promise((resolve) => client.once('open', resolve));
    const answer = new Promise<unknown>((resolve) =>
      client.once('message', (data) => resolve(JSON.parse(data.toString()))),
    );
    client.send(JSON.stringify({ type: 'request', id: 3, method: 'app.info', params: {} }));
    expect(await answer).toMatchObject({ id: 3, result: { host: 'headless' } });
    client.close();
  });

  it('answers 400 to malformed %-escapes and NULs in the path, over HTTP and in an upgrade', async () => {
    for (const path of ['/%zz', '/%E0%A4%A', '/assets/%', '/api/%00', '/x%c3']) {
      const response = await fetch(`${t.origin}${path}?token=${t.token}`);
      expect(response.status, path).toBe(400);
    }
    expect((await rawUpgrade(t.port, { path: '/api/%zz', token: t.token })).status).toBe(400);
    // Without the token the answer is 401 whatever the path: the token is checked first.
    expect((await fetch(`${t.origin}/%zz`)).status).toBe(401);
  });

  it('answers 413 to a body over the limit, declared or chunked, and the client reads it', async () => {
    const declared = await fetch(`${t.origin}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.token}` },
      body: Buffer.alloc(MAX_BODY + 1, 0x20),
    });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toBe(`413: the request body is over ${MAX_BODY} bytes`);
    const chunked = await request(t.port, {
      path: '/api/call',
      method: 'POST',
      headers: { Authorization: `Bearer ${t.token}`, Host: `127.0.0.1:${t.port}` },
      body: Array.from({ length: 11 }, () => Buffer.alloc(1024 * 1024, 0x20)),
    });
    expect(chunked.status).toBe(413);
  });

  it('refuses a Host that is not the bound address or a loopback name with the port (421)', async () => {
    const auth = { Authorization: `Bearer ${t.token}` };
    for (const host of [
      'evil.example',
      `evil.example:${t.port}`,
      '127.0.0.1:1',
      `127.0.0.2:${t.port}`,
      `localhost.evil.example:${t.port}`,
    ]) {
      const answer = await request(t.port, { path: '/', headers: { ...auth, Host: host } });
      expect(answer.status, host).toBe(421);
      expect(answer.body).toContain(`127.0.0.1:${t.port}`);
    }
    for (const host of [`127.0.0.1:${t.port}`, `localhost:${t.port}`, `LOCALHOST:${t.port}`, `[::1]:${t.port}`]) {
      expect((await request(t.port, { path: '/', headers: { ...auth, Host: host } })).status, host).toBe(200);
    }
    // The token comes first: a foreign Host without the token learns nothing but 401.
    expect((await request(t.port, { path: '/', headers: { Host: 'evil.example' } })).status).toBe(401);
    expect((await rawUpgrade(t.port, { path: '/api/ws', token: t.token, host: `evil.example:${t.port}` })).status).toBe(
      421,
    );
  });

  it('answers garbage and oversized headers with 400/431 and closes only that connection', async () => {
    const garbage = await connectRaw(t.port);
    garbage.socket.write('\x00\x01\x02 NOT HTTP\r\n\r\n');
    expect(statusOf(await waitForBytes(garbage, (d) => statusOf(d) !== null))).toBe(400);
    const huge = await connectRaw(t.port);
    huge.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`);
    expect(statusOf(await waitForBytes(huge, (d) => statusOf(d) !== null))).toBe(431);
  });
});

describe('z1wb serve refuses a token that cannot guard it', () => {
  it('refuses an empty Z1WB_TOKEN, an empty or short --token, and one with unsafe characters', async () => {
    const empty = await serveRefusal([], { Z1WB_TOKEN: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('Z1WB_TOKEN is empty: the host needs a token that nobody can guess');
    expect(empty.stdout).toBe('');
    const flag = await serveRefusal(['--token', '']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--token is empty');
    const short = await serveRefusal(['--token=abc123']);
    expect(short.stderr).toContain('--token has 6 characters: a token needs at least 16');
    const unsafe = await serveRefusal(['--token', 'abcdefghijklmnop;q=1']);
    expect(unsafe.stderr).toContain('--token may only hold letters, digits and . _ ~ -');
  });

  it('serves with a given token of 16 safe characters, and only with it', async () => {
    const host = await startServe([], { Z1WB_TOKEN: 'abcdefgh-1234567' });
    try {
      expect(host.token).toBe('abcdefgh-1234567');
      expect((await fetch(`${host.origin}/`, { headers: { Cookie: 'z1wb_token=' } })).status).toBe(401);
      expect((await appInfo(host.origin, host.token)).status).toBe(200);
    } finally {
      await host.stop();
    }
  });
});
