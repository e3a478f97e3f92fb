/// <reference lib="dom" />
// (Code inside page.evaluate runs in the page: the DOM types describe it.)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, collectErrors, launchChromium } from '../helpers/chromium';
import { REPO_ROOT, startTestHost, type TestHost } from '../helpers/headlessHost';
import { geometryProblems, measure } from './figureGeometryChecks';

const ARTIFACTS = path.join(REPO_ROOT, 'test-results', 'figures');

/**
 * The plot cells of experiments/oracle-sweep.z1.json on real runs of the oracle model: their
 * titles on screen and in file names, and two of them as one multi-panel figure.
 */
describe.skipIf(!chromiumPath)('plot cells: titles and panels, in Chromium on real runs', () => {
  let t: TestHost;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  async function download(testId: string, scope = page.locator('body')): Promise<{ name: string; bytes: Buffer }> {
    const [file] = await Promise.all([page.waitForEvent('download'), scope.getByTestId(testId).first().click()]);
    const bytes = await readFile((await file.path())!);
    await writeFile(path.join(ARTIFACTS, file.suggestedFilename()), bytes);
    return { name: file.suggestedFilename(), bytes };
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    [t, browser] = await Promise.all([startTestHost(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    errors = collectErrors(page);
    await page.goto(t.host.url);
    await page.getByTestId('open-notebook').click();
    await page.getByTestId('open-oracle-sweep.z1.json').click();
    await page.getByTestId('cell-scaling-curve').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows each plot cell under its title and names its files after it', async () => {
    await page.getByTestId('start-run-z1-sweep').click();
    await page.getByTestId('start-run-baseline').click();
    const curve = page.getByTestId('cell-scaling-curve');
    await curve.locator('.plotly-figure[data-state=drawn]').waitFor({ timeout: 90_000 });
    expect(await curve.locator('.figure-header h3').first().textContent()).toBe('Accuracy against the thinking window');
    const svg = await download('export-accuracy-vs-window-svg', curve);
    expect(svg.name).toBe('accuracy-against-the-thinking-window-single-column.svg');
    const histogram = page.getByTestId('cell-thinking-histogram');
    await histogram.locator('.plotly-figure[data-state=drawn]').waitFor({ timeout: 60_000 });
    expect(await histogram.locator('.figure-header h3').first().textContent()).toBe('Thinking tokens per sample');
    const csv = await download('export-thinking-tokens-csv', histogram);
    expect(csv.name).toBe('thinking-tokens-per-sample.csv');
  });

  it('puts another plot cell beside this one as panel (b), shown and exported as one figure', async () => {
    const curve = page.getByTestId('cell-scaling-curve');
    await curve.getByRole('group', { name: 'panels beside it' }).getByLabel('thinking-histogram').check();
    const panels = page.getByTestId('panels-scaling-curve');
    await panels.locator('.plotly-figure[data-state=drawn]').waitFor({ timeout: 60_000 });
    const onScreen = await panels.locator('.svg-container').evaluate(measure);
    // The curve, and the histogram's panels for W = 8, 16, 32, 64 and 128.
    expect(onScreen.plots.length).toBe(1 + 5);
    expect(onScreen.texts.filter((x) => x.role === 'annotation').map((x) => x.text)).toEqual(
      expect.arrayContaining(['(a) Accuracy against the thinking window', '(b) Thinking tokens per sample']),
    );
    expect(geometryProblems(onScreen)).toEqual([]);
    const svg = await download('export-panels-accuracy-vs-window-svg', panels);
    expect(svg.name).toBe('accuracy-against-the-thinking-window-panels-single-column.svg');
    expect(svg.bytes.toString('utf8')).toMatch(/<svg[^>]* width="3.3in"/);
    await curve.screenshot({ path: path.join(ARTIFACTS, 'plot-cell-panels.png') });
    expect(errors).toEqual([]);
  });
});
