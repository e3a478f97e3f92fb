import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, collectErrors, launchChromium } from '../helpers/chromium';
import { REPO_ROOT, startTestHost, type TestHost } from '../helpers/headlessHost';

const ARTIFACTS = path.join(REPO_ROOT, 'test-results');

describe.skipIf(!chromiumPath)('app shell in Chromium through the headless host', () => {
  let t: TestHost;
  let browser: Browser;
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    [t, browser] = await Promise.all([startTestHost(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('loads with zero console errors, drops the token from the address bar and shows a ready engine', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(t.host.url);
    // The engine process can take a few seconds to come up on a busy two-core machine.
    await expect.poll(() => page.getByTestId('engine-state').textContent(), { timeout: 20_000 }).toBe('engine: ready');
    expect(await page.getByTestId('app-version').textContent()).toMatch(/^v\d+\.\d+\.\d+ · headless$/);
    expect(page.url()).toBe(`${t.origin}/`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'app-shell.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows an engine crash and the restart without losing the page', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(t.host.url);
    await expect.poll(() => page.getByTestId('engine-state').textContent(), { timeout: 20_000 }).toContain('ready');
    const pid = t.workbench.engine.getStatus().pid!;
    process.kill(pid, 'SIGKILL');
    await expect
      .poll(() => page.getByTestId('engine-state').textContent(), { timeout: 20_000 })
      .toMatch(/^engine: ready \(restarted \d+×\)$/);
    expect(t.workbench.engine.getStatus().pid).not.toBe(pid);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is refused without the token', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${t.origin}/`);
    expect(response?.status()).toBe(401);
    await page.close();
  });
});
