import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../../main/headless/contentSecurityPolicy';
import { createAppProtocolHandler } from '../../../main/electron/appProtocol';

let handler: (request: Request) => Promise<Response>;

beforeAll(async () => {
  // A secret beside the renderer folder that no app:// URL may reach.
  const root = await mkdtemp(path.join(os.tmpdir(), 'z1wb-protocol-'));
  const rendererDir = path.join(root, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(root, 'secret.txt'), 'secret');
  await writeFile(path.join(root, 'renderer-evil.txt'), 'secret');
  handler = createAppProtocolHandler(rendererDir);
});

describe('app:// protocol handler', () => {
  it('serves the renderer files with their type and the strict CSP', async () => {
    const page = await handler(new Request('app://workbench/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await handler(new Request('app://workbench/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('falls back to index.html for app routes, but not for missing assets', async () => {
    expect(await (await handler(new Request('app://workbench/runs/42'))).text()).toContain('root');
    expect((await handler(new Request('app://workbench/assets/missing.js'))).status).toBe(404);
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const url of [
      'app://workbench/../secret.txt',
      'app://workbench/%2e%2e/secret.txt',
      'app://workbench/..%2fsecret.txt',
      'app://workbench/%2e%2e%2fsecret.txt',
      'app://workbench/assets/..%2f..%2fsecret.txt',
      'app://workbench/..%2frenderer-evil.txt',
    ]) {
      const response = await handler(new Request(url));
      expect(response.status, url).toBe(404);
    }
    // An absolute path stays inside the renderer folder: it is an app route, answered with the page.
    expect(await (await handler(new Request('app://workbench/%2fetc%2fpasswd'))).text()).toContain('id="root"');
  });

  it('answers only its own host and only GET or HEAD', async () => {
    expect((await handler(new Request('app://other/index.html'))).status).toBe(404);
    expect((await handler(new Request('app://workbench/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    const head = await handler(new Request('app://workbench/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
