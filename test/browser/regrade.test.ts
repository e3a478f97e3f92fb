import { copyFile, cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../common/api/contract/runs';
import { chromiumPath, collectErrors, launchChromium } from '../helpers/chromium';
import { REPO_ROOT, startTestHost, waitFor, type TestHost } from '../helpers/headlessHost';

describe.skipIf(!chromiumPath)('regrading a stored run from the runs browser (Chromium, headless host)', () => {
  let t: TestHost;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let baseline: RunRecord;
  let nextId = 1;

  async function call(method: string, params: unknown): Promise<Record<string, unknown>> {
    const response = await t.workbench.handle({ type: 'request', id: nextId++, method, params });
    if ('error' in response) throw new Error(response.error.message);
    return response.result as Record<string, unknown>;
  }

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-regrade-ui-'));
    await cp(path.join(REPO_ROOT, 'experiments', 'datasets'), path.join(dir, 'datasets'), { recursive: true });
    const notebookPath = path.join(dir, 'oracle-sweep.z1.json');
    await copyFile(path.join(REPO_ROOT, 'experiments', 'oracle-sweep.z1.json'), notebookPath);
    [t, browser] = await Promise.all([startTestHost(), launchChromium()]);
    // The unbounded baseline on the oracle model, through the real engine: 12 of 12 correct.
    await call('runs.start', { notebookPath, cellId: 'baseline' });
    await waitFor(
      'the baseline run',
      async () => {
        const { runs } = (await call('runs.list', {})) as { runs: RunRecord[] };
        baseline = runs[0]!;
        return baseline?.status === 'complete';
      },
      60_000,
    );
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    errors = collectErrors(page);
    await page.goto(t.host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('regrades with new settings into a run beside the old one, then shows which samples changed verdict', async () => {
    await page.getByTestId('show-runs').click();
    const stored = page.getByTestId('stored-runs');
    await stored.waitFor();
    expect(await stored.locator('tbody tr').count()).toBe(1);
    await stored.locator('tbody tr').first().getByRole('checkbox').check();
    await page.getByTestId('regrade-runs').click();
    // The form starts from the run's own grader settings.
    expect(JSON.parse(await page.getByTestId('regrade-settings').inputValue())).toMatchObject({ grader: 'math' });
    await page.getByTestId('regrade-settings').fill('{"grader": "regex", "pattern": "NO SUCH ANSWER"}');
    await page.getByTestId('regrade-form').getByRole('button', { name: 'Regrade' }).click();
    await expect.poll(() => page.getByTestId('regrade-progress').textContent(), { timeout: 20_000 }).toBe('done');

    await expect.poll(() => stored.locator('tbody tr').count()).toBe(2);
    const regraded = stored.locator('tbody tr', { hasText: `regraded from ${baseline.id}` });
    expect(await regraded.locator('td').allTextContents()).toEqual([
      '',
      'unbounded (256 tokens)',
      'Unbounded baseline',
      `regex (regraded from ${baseline.id})`,
      'complete',
      '12/12',
      '0.0%',
      expect.any(String),
    ]);
    // Select only the regrading and compare it with its source: every sample changed verdict.
    await stored.locator('tbody tr', { hasNotText: 'regraded from' }).getByRole('checkbox').uncheck();
    await regraded.getByRole('checkbox').check();
    await page.getByTestId('compare-gradings').click();
    await expect
      .poll(() => page.getByTestId('comparison-summary').textContent(), { timeout: 20_000 })
      .toMatch(/^12 paired samples: both right 0, only A 12, only B 0, neither 0\./);
    await page.getByTestId('comparison').getByRole('button', { name: /^B ✗/ }).first().click();
    await page.getByTestId('trajectory').getByTestId('trajectory-text').waitFor();
    expect(errors).toEqual([]);
  });
});
