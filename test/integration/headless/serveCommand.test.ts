import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/headlessHost';
import { request, startServe } from './serveProcess';

describe('z1wb serve', () => {
  it('prints the tokenised loopback URL, opens the given notebook, and guards with the token', async () => {
    const notebook = path.join(REPO_ROOT, 'package.json');
    const running = await startServe([notebook]);
    try {
      const url = running.url;
      expect(url.hostname).toBe('127.0.0.1');
      expect(running.token).toMatch(/^[0-9a-f]{48}$/);
      expect((await fetch(url.origin + '/')).status).toBe(401);
      const answer = await fetch(`${url.origin}/api/call?token=${running.token}`, {
        method: 'POST',
        body: JSON.stringify({ type: 'request', id: 1, method: 'app.info', params: {} }),
      }).then((r) => r.json());
      expect(answer).toMatchObject({ result: { startupNotebook: notebook, host: 'headless' } });
      expect(running.stderr()).not.toContain('warning');
    } finally {
      await running.stop();
    }
  });

  it('warns when binding beyond loopback, and answers to the names of this machine given with --allow-host', async () => {
    const running = await startServe(['--host', '0.0.0.0', '--allow-host', 'gpu-box,localhost:8888']);
    try {
      expect(running.stderr()).toContain('warning: binding 0.0.0.0');
      const status = async (host: string) =>
        (await request(running.port, { path: '/', headers: { Host: host, Authorization: `Bearer ${running.token}` } }))
          .status;
      expect(await status(`127.0.0.1:${running.port}`)).toBe(200);
      expect(await status(`gpu-box:${running.port}`)).toBe(200);
      expect(await status('localhost:8888')).toBe(200);
      expect(await status(`other-box:${running.port}`)).toBe(421);
    } finally {
      await running.stop();
    }
  });
});
