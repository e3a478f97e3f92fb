import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, collectErrors, launchChromium } from '../helpers/chromium';
import { startTestHost, type TestHost } from '../helpers/headlessHost';
import { writeBuildRowNotebook } from './llama-buildsNotebook';

/**
 * The model cell says which llama.cpp build the loaded model runs on and why, and how its thread
 * count was chosen (docs/models.md, "Builds", "Threads"): real browser, host and engine.
 */
describe.skipIf(!chromiumPath)('the model cell and the llama.cpp build', () => {
  let dir: string;
  let t: TestHost;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-build-cell-'));
    process.env.Z1WB_CACHE = path.join(dir, 'cache'); // the engine child inherits it: no checked native build
    const notebook = await writeBuildRowNotebook(dir, 'build status');
    [t, browser] = await Promise.all([startTestHost({ startupNotebook: notebook }), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    delete process.env.Z1WB_CACHE;
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the build in use with its reason, and the thread count as set', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(t.host.url);
    await page.getByTestId('load-model-m').click();
    const cell = page.getByTestId('cell-m');
    await expect.poll(() => cell.getByTestId('model-backend').textContent(), { timeout: 60_000 }).toBe('CPU');
    expect(await cell.getByTestId('model-build').textContent()).toBe(
      'prebuilt binary: no checked native build, and none is prepared (Z1WB_AUTO_BUILD=off)',
    );
    expect(await cell.getByTestId('model-info').innerText()).toMatch(/256 tokens × 1 sequence · 1 threads \(as set\)/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
