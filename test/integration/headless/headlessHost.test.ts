import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import WebSocket from 'ws';
import { ApiClient, type Transport } from '../../../common/api/ApiClient';
import type { EngineStatus } from '../../../common/api/contract/engine';
import { startHeadlessHost } from '../../../main/headless/HeadlessHost';
import { RENDERER_DIR, startTestHost, waitFor, type TestHost } from '../../helpers/headlessHost';
import { frame, rawUpgrade } from './rawWebSocket';

function socketTransport(socket: WebSocket): Transport {
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    onMessage: (listener) => {
      const handler = (data: WebSocket.RawData) => listener(JSON.parse(data.toString()));
      socket.on('message', handler);
      return () => socket.off('message', handler);
    },
    close: () => socket.close(),
  };
}

function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('headless host', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('prints a loopback URL carrying the token', () => {
    expect(t.host.url).toBe(`http://127.0.0.1:${t.host.port}/?token=${t.token}`);
  });

  it('answers 401 to pages, assets and API calls without the right token', async () => {
    for (const path of ['/', '/index.html', '/assets/x.js', '/api/call', '/?token=wrong']) {
      const response = await fetch(t.origin + path);
      expect(response.status, path).toBe(401);
    }
    const post = await fetch(`${t.origin}/api/call`, {
      method: 'POST',
      headers: { Authorization: 'Bearer wrong' },
      body: JSON.stringify({ type: 'request', id: 1, method: 'app.info', params: {} }),
    });
    expect(post.status).toBe(401);
  });

  it('serves the app shell with the token, sets the session cookie and a strict CSP', async () => {
    const response = await fetch(`${t.origin}/?token=${t.token}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root"></div>');
    expect(response.headers.get('set-cookie')).toContain('z1wb_token=');
    expect(response.headers.get('set-cookie')).toContain('HttpOnly');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    const withCookie = await fetch(`${t.origin}/`, { headers: { Cookie: `z1wb_token=${t.token}` } });
    expect(withCookie.status).toBe(200);
  });

  it('answers API calls over HTTP with a bearer token and names bad fields', async () => {
    const call = (body: unknown) =>
      fetch(`${t.origin}/api/call`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${t.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    expect(await call({ type: 'request', id: 1, method: 'app.info', params: {} })).toMatchObject({
      id: 1,
      result: { name: 'Z1 Workbench', host: 'headless', storeDir: t.storeDir, startupNotebook: null },
    });
    expect(await call({ type: 'request', id: 2, method: 'app.info', params: { x: 1 } })).toMatchObject({
      id: 2,
      error: { code: 'invalid-params', path: 'params' },
    });
  });

  it('refuses WebSockets without the token (401) or from another origin (403)', async () => {
    await expect(openSocket(`ws://127.0.0.1:${t.host.port}/api/ws`)).rejects.toThrow('HTTP 401');
    await expect(
      openSocket(`ws://127.0.0.1:${t.host.port}/api/ws?token=${t.token}`, { Origin: 'http://evil.example' }),
    ).rejects.toThrow('HTTP 403');
  });

  it('refuses to start with a token that cannot guard it', async () => {
    const options = { workbench: t.workbench, rendererDir: t.host.url, port: 0 };
    await expect(startHeadlessHost({ ...options, token: '' })).rejects.toThrow('the token is empty');
    await expect(startHeadlessHost({ ...options, token: 'x'.repeat(15) })).rejects.toThrow(
      'the token has 15 characters: a token needs at least 16',
    );
  });

  it('cuts off a WebSocket client that stops reading once its unsent answers pass the limit', async () => {
    const host = await startHeadlessHost({
      workbench: t.workbench,
      rendererDir: RENDERER_DIR,
      token: t.token,
      port: 0,
      maxBufferedBytes: 64 * 1024,
    });
    try {
      const { conn, status } = await rawUpgrade(host.port, { path: '/api/ws', token: t.token });
      expect(status).toBe(101);
      conn.socket.pause(); // reads nothing more: the answers pile up in the host
      const request = (id: number) =>
        frame({
          opcode: 0x1,
          payload: Buffer.from(JSON.stringify({ type: 'request', id, method: 'app.info', params: {} })),
        });
      conn.socket.write(Buffer.concat(Array.from({ length: 100_000 }, (_, i) => request(i))));
      const cut = await Promise.race([
        conn.closed.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 20_000)),
      ]);
      expect(cut).toBe(true);
      // A client that reads gets every answer of a smaller burst.
      const reader = await openSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${t.token}`);
      let answers = 0;
      const all = new Promise<void>((resolve) => reader.on('message', () => ++answers === 500 && resolve()));
      for (let i = 0; i < 500; i++)
        reader.send(JSON.stringify({ type: 'request', id: i, method: 'app.info', params: {} }));
      await all;
      reader.close();
    } finally {
      await host.close();
    }
  }, 60_000);

  it('relays engine calls over the WebSocket and recovers when the engine process is killed', async () => {
    const socket = await openSocket(`ws://127.0.0.1:${t.host.port}/api/ws?token=${t.token}`);
    const client = new ApiClient(socketTransport(socket));
    const states: EngineStatus[] = [];
    client.on('engine.state', (s) => states.push(s));

    const first = await client.call('engine.ping', {});
    const status = await client.call('engine.status', {});
    expect(status).toMatchObject({ state: 'ready', pid: first.pid, restarts: 0, lastCrash: null });

    process.kill(first.pid, 'SIGKILL');
    await waitFor('the engine to be restarted', () => states.some((s) => s.state === 'ready' && s.restarts === 1));
    expect(states.find((s) => s.state === 'crashed')).toEqual({
      state: 'crashed',
      pid: null,
      restarts: 0,
      lastCrash: 'killed by SIGKILL',
    });

    const second = await client.call('engine.ping', {});
    expect(second.pid).not.toBe(first.pid);
    expect(await client.call('engine.status', {})).toMatchObject({
      state: 'ready',
      restarts: 1,
      lastCrash: 'killed by SIGKILL',
    });
    client.close();
  });

  it('loads a fixture: model in the engine process into the store it was given', async () => {
    const answer = (await fetch(`${t.origin}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.token}` },
      body: JSON.stringify({
        type: 'request',
        id: 1,
        method: 'engine.loadModel',
        params: { model: { source: 'fixture:oracle', threads: 1, contextSize: 256 } },
      }),
    }).then((r) => r.json())) as { result?: { info: { path: string; architecture: string }; threads: number } };
    expect(answer.result?.info.architecture).toBe('llama');
    expect(answer.result?.threads).toBe(1);
    expect(answer.result?.info.path.startsWith(path.join(t.storeDir, 'models', 'fixtures'))).toBe(true);
  });
});
