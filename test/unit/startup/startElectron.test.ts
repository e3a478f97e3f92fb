import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/headlessHost';

const LAUNCHER = path.join(REPO_ROOT, 'scripts', 'startElectron.js');
// Where Electron's binary is installed the launcher starts it; this test is for machines without.
const installed = existsSync(path.join(REPO_ROOT, 'node_modules', 'electron', 'dist', 'version'));

function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LAUNCHER], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(installed)('npm start where Electron cannot be downloaded', () => {
  it('prints one paragraph: what failed, npm run serve instead, ELECTRON_MIRROR — no stack trace', async () => {
    // A mirror on loopback that has no Electron: the download fails as it does offline.
    const mirror = createServer((_req, res) => res.writeHead(404).end('not here'));
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`;
    try {
      const cache = await mkdtemp(path.join(os.tmpdir(), 'z1wb-electron-cache-'));
      const result = await run({ ELECTRON_MIRROR: url, electron_config_cache: cache });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^Downloading Electron \d+\.\d+\.\d+ \(once, about 100 MB\)…\n$/);
      const paragraph = result.stderr.trim();
      expect(paragraph).not.toMatch(/\n\s*\n/);
      expect(paragraph).not.toMatch(/^\s+at /m);
      const text = paragraph.replace(/\n/g, ' ');
      expect(text).toMatch(/^npm start could not start the desktop app: Electron \d+\.\d+\.\d+ downloads its program/);
      expect(text).toContain(`the download from ELECTRON_MIRROR=${url} failed: `);
      expect(text).toContain('`npm run serve` starts the headless host');
      expect(text).toContain('set ELECTRON_MIRROR to a mirror');
    } finally {
      mirror.close();
    }
  });
});
