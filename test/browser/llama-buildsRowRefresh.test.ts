import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentNativeAddon, MAX_OTHER_CORES_ENV, verificationOf } from '../../main/llama-builds/buildVerification';
import { AUTO_BUILD_ENV } from '../../main/llama-builds/engineAutoBuild';
import { chromiumPath, collectErrors, launchChromium } from '../helpers/chromium';
import { startTestHost } from '../helpers/headlessHost';
import { writeBuildRowNotebook } from './llama-buildsNotebook';

/**
 * The model cell's build row follows the automatic build to its end without a reload
 * (docs/models.md, "Builds"): real browser, host, engine and check. The engine's job runs for
 * real, so this needs a finished native build that a fresh cache has never checked: the job
 * then only checks it (four short runs, about 20 s) instead of compiling llama.cpp for 7 minutes.
 * Skipped without one (`node --import tsx main/llama-builds/buildNative.ts addon` makes it).
 */
const addon = await currentNativeAddon();
const CHECKING = 'prebuilt binary while the native build for this CPU is checked before use';

describe.skipIf(!chromiumPath || !addon)('the model cell and the automatic build ending', () => {
  let dir: string;
  let notebook: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-build-row-'));
    notebook = await writeBuildRowNotebook(dir, 'build row');
    process.env[AUTO_BUILD_ENV] = 'on'; // the test suite's 'off' would leave no job to follow
    process.env[MAX_OTHER_CORES_ENV] = '64'; // the row is under test, not the check's wait for a quiet machine
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    process.env[AUTO_BUILD_ENV] = 'off';
    delete process.env[MAX_OTHER_CORES_ENV];
    delete process.env.Z1WB_CACHE;
    await rm(dir, { recursive: true, force: true });
  });

  /** A host whose engine has a cache of its own (so the native build is unchecked), with the model loaded. */
  async function loadedCell(name: string) {
    process.env.Z1WB_CACHE = path.join(dir, name); // the engine child inherits it
    const host = await startTestHost({ startupNotebook: notebook });
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(host.host.url);
    await page.getByTestId('load-model-m').click();
    const row = page.getByTestId('cell-m').getByTestId('model-build');
    await expect.poll(() => row.getByTestId('model-build-reason').textContent(), { timeout: 60_000 }).toBe(CHECKING);
    return { host, page, errors, row };
  }

  const progressOf = (row: Locator) => row.getByTestId('model-build-progress').textContent();

  it('says the native build is being checked, then what the check found: used from the next load, or why not', async () => {
    const { host, page, errors, row } = await loadedCell('ready');
    try {
      expect([' · native build: waiting', ' · native build: verifying']).toContain(await progressOf(row));
      expect(await row.getByRole('button', { name: 'stop the build' }).count()).toBe(1);
      await expect.poll(() => progressOf(row), { timeout: 90_000 }).toMatch(/^ · native build: (ready|refused)$/);
      // Same tokens, but maybe slower on this CPU: the record says which, the row must say the same.
      const record = (await verificationOf(addon!, path.join(dir, 'ready')))!;
      expect(await row.textContent()).toBe(
        record.verified
          ? 'prebuilt binary: the checked native build is used from the next model load with no model loaded · native build: ready'
          : `prebuilt binary: the native build failed its check (${record.problem}) · native build: refused`,
      );
      expect(await row.getByRole('button').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await host.close();
    }
  }, 150_000);

  it('says the build was cancelled once its stop button ends it', async () => {
    const { host, page, errors, row } = await loadedCell('cancelled');
    try {
      await row.getByRole('button', { name: 'stop the build' }).click();
      await expect
        .poll(() => row.textContent(), { timeout: 60_000 })
        .toBe(
          'prebuilt binary: the native build was cancelled; it resumes at the next start of the workbench · native build: cancelled',
        );
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await host.close();
    }
  }, 150_000);
});
