import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/headlessHost';

/** Starts `z1wb serve` as a user would and returns the URL it prints. */
function serve(args: string[]): Promise<{ url: string; stderr: string; stop: () => void }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'z1wb.js'), 'serve', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const match = /Z1 Workbench: (http:\/\/\S+)\n/.exec(stdout);
      if (match) resolve({ url: match[1]!, stderr, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

describe('z1wb serve', () => {
  it('prints the tokenised loopback URL, opens the given notebook, and guards with the token', async () => {
    const notebook = path.join(REPO_ROOT, 'package.json');
    const running = await serve([notebook]);
    try {
      const url = new URL(running.url);
      expect(url.hostname).toBe('127.0.0.1');
      expect(url.searchParams.get('token')).toMatch(/^[0-9a-f]{48}$/);
      expect((await fetch(url.origin + '/')).status).toBe(401);
      const answer = await fetch(`${url.origin}/api/call?token=${url.searchParams.get('token')}`, {
        method: 'POST',
        body: JSON.stringify({ type: 'request', id: 1, method: 'app.info', params: {} }),
      }).then((r) => r.json());
      expect(answer).toMatchObject({ result: { startupNotebook: notebook, host: 'headless' } });
      expect(running.stderr).not.toContain('warning');
    } finally {
      running.stop();
    }
  });

  it('warns when binding beyond loopback', async () => {
    const running = await serve(['--host', '0.0.0.0']);
    running.stop();
    await new Promise((r) => setTimeout(r, 200));
    expect(running.stderr).toContain('warning: binding 0.0.0.0');
  });
});
