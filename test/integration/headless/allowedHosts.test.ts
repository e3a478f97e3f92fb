import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHosts, hostAllowed } from '../../../main/headless/allowedHosts';

describe('the Host header values the headless host answers to', () => {
  it('bound to loopback: the loopback names with the port, and nothing else', () => {
    const allowed = allowedHosts({ bindHost: '127.0.0.1', port: 7860 });
    expect([...allowed].sort()).toEqual(['127.0.0.1:7860', '[::1]:7860', 'localhost:7860']);
    expect(hostAllowed(allowed, 'LocalHost:7860')).toBe(true);
    for (const host of [undefined, '', 'localhost', 'localhost:7861', '127.0.0.1:7860.evil', 'evil.example:7860'])
      expect(hostAllowed(allowed, host), String(host)).toBe(false);
  });

  it('bound to a wildcard: every interface address of this machine too; port 80 also bare', () => {
    const allowed = allowedHosts({ bindHost: '0.0.0.0', port: 80 });
    const addresses = Object.values(os.networkInterfaces())
      .flat()
      .filter((entry) => entry !== undefined && !entry.address.includes('%'))
      .map((entry) => (entry!.family === 'IPv6' ? `[${entry!.address}]` : entry!.address));
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) {
      expect(allowed.has(`${address}:80`), address).toBe(true);
      expect(allowed.has(address), address).toBe(true);
    }
    expect(allowed.has('0.0.0.0:80')).toBe(false);
  });

  it('adds the names given with --allow-host, with their own port or the host port', () => {
    const allowed = allowedHosts({
      bindHost: '::1',
      port: 7860,
      extra: ['GPU-Box', 'localhost:8888', '[fe80::1]:9000', 'fd00::2', ' '],
    });
    expect([...allowed].sort()).toEqual(
      [
        '127.0.0.1:7860',
        '[::1]:7860',
        '[fd00::2]:7860',
        '[fe80::1]:9000',
        'gpu-box:7860',
        'localhost:7860',
        'localhost:8888',
      ].sort(),
    );
  });
});
