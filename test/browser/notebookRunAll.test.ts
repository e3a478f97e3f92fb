/// <reference lib="dom" />
// (Code inside page.evaluate runs in the page: the DOM types describe it.)
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatJsonLike } from '../../common/notebook/jsonLayout';
import { chromiumPath, collectErrors, launchChromium } from '../helpers/chromium';
import { REPO_ROOT, startTestHost, type TestHost } from '../helpers/headlessHost';
import { changedLines } from '../helpers/lineDiff';
import { pasteInto } from './notebookPage';

const ARTIFACTS = path.join(REPO_ROOT, 'test-results');
const EXAMPLE = path.join(REPO_ROOT, 'experiments', 'z1-vs-s1.z1.json');
const RUN_CELLS = [
  'oracle-z1',
  'oracle-s1',
  'oracle-unbounded',
  'stochastic-z1',
  'stochastic-s1',
  'stochastic-unbounded',
];
/** Cells Run all runs in z1-vs-s1 (all but its two model cells and its prompt cell). */
const RUN_ALL_CELLS = 16;
/**
 * The oracle's thinking lengths in think mode (docs/fixtures.md): Z1's window and s1's maximum
 * are both right iff W ≥ L, so at W = 16, 32, 64, 128 both get 3, 6, 9 and 12 of 12.
 */
const ORACLE_ACCURACY = ['25.0%', '50.0%', '75.0%', '100.0%'];

describe.skipIf(!chromiumPath)('Run all, saving as written, the compact run cell and Markdown in Chromium', () => {
  let t: TestHost;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let file: string;
  let written: string;
  /** Run cells in the order their jobs started (run.state "running"), from the host's events. */
  const started: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-runall-'));
    await cp(path.join(REPO_ROOT, 'experiments', 'datasets'), path.join(workDir, 'datasets'), { recursive: true });
    await writeFile(
      path.join(workDir, 'datasets', 'latex.jsonl'),
      '{"id":"half","problem":"What is $\\\\frac{1}{2} + 0$? Put it in $\\\\boxed{}$.","answer":"\\\\frac{1}{2}"}\n',
    );
    // The example as a user lays it out: each cell on one line where it fits.
    file = path.join(workDir, 'z1-vs-s1.z1.json');
    written = formatJsonLike(JSON.parse(await readFile(EXAMPLE, 'utf8')), null);
    await writeFile(file, written);
    [t, browser] = await Promise.all([startTestHost({ startupNotebook: file }), launchChromium()]);
    t.workbench.onEvent((message) => {
      const data = message.data as { cellId?: string; state?: string };
      if (message.event === 'run.state' && data.state === 'running' && data.cellId) started.push(data.cellId);
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    errors = collectErrors(page);
    await page.goto(t.host.url);
    await page.getByTestId('cell-oracle-z1').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('saves an unchanged notebook byte for byte', async () => {
    expect(await page.getByTestId('notebook-path').textContent()).toBe(file);
    await page.getByTestId('save-notebook').click();
    await expect.poll(() => page.getByTestId('notebook-message').textContent()).toBe(`saved ${file}`);
    expect(await readFile(file, 'utf8')).toBe(written);
  });

  it('uses the window width and puts one insert control between cells', async () => {
    const notebook = (await page.getByTestId('notebook').boundingBox())!;
    expect(notebook.width).toBeGreaterThan(1500);
    const cells = await page.locator('[data-cell-type]').count();
    expect(await page.locator('.insert-cell').count()).toBe(cells + 1);
    expect(await page.locator('.insert-cell button').count()).toBe(cells + 1);
  });

  it('Stop all (Ctrl+Shift+.) stops Run all and the notebook’s jobs', async () => {
    await page.getByTestId('run-all').click();
    await page.locator('[data-cell-type=run].running').first().waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+Shift+Period');
    await expect
      .poll(() => page.getByTestId('run-all-state').textContent(), { timeout: 30_000 })
      .toMatch(/^stopped at \S+ after \d+ cells$/);
    await expect
      .poll(async () => {
        const jobs = await t.workbench.handle({ type: 'request', id: 2, method: 'runs.jobs', params: {} });
        return (jobs as { result: { jobs: unknown[] } }).result.jobs.length;
      })
      .toBe(0);
  });

  it('Run all (Ctrl+Shift+Enter) runs every cell in order, each run after the one above has finished', async () => {
    started.length = 0;
    await page.getByTestId('cell-intro').click();
    await page.keyboard.press('Control+Shift+Enter');
    await expect
      .poll(() => page.getByTestId('run-all-state').textContent(), { timeout: 240_000, interval: 500 })
      .toBe(`ran ${RUN_ALL_CELLS} cells`);
    expect(started).toEqual(RUN_CELLS);
    for (const id of ['oracle-z1', 'oracle-s1']) {
      const chips = await page.getByTestId(`run-summary-${id}`).locator('li').allInnerTexts();
      expect(chips.map((c) => c.slice(c.lastIndexOf(' ') + 1))).toEqual(ORACLE_ACCURACY);
    }
    expect(await page.getByTestId('run-summary-oracle-unbounded').locator('li').allInnerTexts()).toEqual([
      'unbounded (320 tokens) 100.0%',
    ]);
    for (const id of RUN_CELLS.slice(3)) {
      const chips = await page.getByTestId(`run-summary-${id}`).locator('li').allInnerTexts();
      expect(chips).toHaveLength(id.endsWith('unbounded') ? 1 : 4);
      for (const chip of chips) expect(chip).toMatch(/ \d+\.\d%$/);
    }
  }, 300_000);

  it('Run all below (Ctrl+Alt+Enter) starts at the selected cell', async () => {
    started.length = 0;
    await page.getByTestId('cell-stochastic-head').click();
    await page.keyboard.press('Control+Alt+Enter');
    await expect.poll(() => page.getByTestId('run-all-state').textContent(), { timeout: 60_000 }).toBe('ran 6 cells');
    expect(started).toEqual(RUN_CELLS.slice(3));
  });

  it('shows a run cell as a compact summary: accuracy per run and links to its figures', async () => {
    const cell = page.getByTestId('cell-oracle-z1');
    expect(await cell.locator('.js-plotly-plot').count()).toBe(0);
    expect(await cell.getByTestId('runs-oracle-z1').count()).toBe(0);
    expect(await cell.getByTestId('live-panel-oracle-z1').getAttribute('open')).toBeNull();
    expect(await cell.getByTestId('start-run-oracle-z1').textContent()).toBe('Run again');
    expect(await cell.getByTestId('run-summary-oracle-z1').locator('.run-figures a').allInnerTexts()).toEqual([
      'oracle-curve',
    ]);
    expect((await cell.boundingBox())!.height).toBeLessThan(260);
    await cell.screenshot({ path: path.join(ARTIFACTS, 'notebook-run-cell-compact.png') });
    // The figures are where the plot cells are; the link scrolls there.
    await cell.getByRole('link', { name: 'oracle-curve' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('cell-oracle-curve');
  });

  it('adding a window to the sweep saves as a one-line diff; the results are then marked as from other settings', async () => {
    const cell = page.getByTestId('cell-z1');
    await pasteInto(
      page,
      cell,
      '{\n  "strategy": "shifted-window",\n  "window": [16, 32, 64, 128, 256],\n  "answerBudget": 16,\n  "maxTokens": 320\n}',
    );
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('● unsaved');
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('saved');
    const saved = await readFile(file, 'utf8');
    const before = written.split('\n').find((l) => l.includes('"window": [16, 32, 64, 128]'))!;
    expect(changedLines(written, saved)).toEqual({
      removed: [before],
      added: [before.replace('[16, 32, 64, 128]', '[16, 32, 64, 128, 256]')],
    });
    await expect.poll(() => page.getByTestId('stale-oracle-z1').textContent()).toBe('from other settings');
    expect(await page.getByTestId('start-run-oracle-z1').textContent()).toBe('Start');
    expect(await page.getByTestId('stale-oracle-s1').count()).toBe(0);
  });

  it('shows a failed run in the error style, with the earlier results still marked', async () => {
    const dataset = page.getByTestId('cell-problems');
    await pasteInto(page, dataset, '{\n  "from": "file",\n  "path": "datasets/missing.jsonl"\n}');
    await expect.poll(() => page.getByTestId('stale-oracle-s1').count()).toBe(1);
    await page.getByTestId('start-run-oracle-s1').click();
    const error = page.getByTestId('run-error-oracle-s1');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/missing\.jsonl/);
    expect(await error.getAttribute('class')).toContain('error');
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await error.evaluate((node) => getComputedStyle(node).color)).toBe('rgb(207, 34, 46)');
    expect(await page.getByTestId('stale-oracle-s1').textContent()).toBe('from other settings');
    await page.getByTestId('cell-oracle-s1').screenshot({ path: path.join(ARTIFACTS, 'notebook-run-error.png') });
  });

  it('renders Markdown as Jupyter does: Q4_K_M verbatim, a table, $\\boxed{x}$ typeset, no raw HTML', async () => {
    await page.getByTestId('insert-cell-0').click();
    await page.getByTestId('insert-markdown').click();
    const cell = page.getByTestId('cell-markdown');
    await cell.getByRole('button', { name: 'Edit' }).click();
    await pasteInto(
      page,
      cell,
      [
        'Quantised as Q4_K_M, answer in $\\boxed{x}$.',
        '',
        '| W | accuracy |',
        '|---|---|',
        '| 16 | 25% |',
        '',
        '<b>bold</b><img src=x onerror=alert(1)>',
      ].join('\n'),
    );
    await page.keyboard.press('Shift+Enter');
    const view = cell.locator('.markdown-view');
    await view.waitFor();
    expect(await view.locator('p').first().innerText()).toMatch(/^Quantised as Q4_K_M, answer in /);
    expect(await view.locator('em').count()).toBe(0);
    expect(await view.locator('.katex annotation').textContent()).toBe('\\boxed{x}');
    // The box is drawn around the x (KaTeX's renderer and its stylesheet are one version).
    expect((await view.locator('.katex .fbox').boundingBox())!.width).toBeGreaterThan(10);
    expect(await view.locator('table th').allInnerTexts()).toEqual(['W', 'accuracy']);
    expect(await view.locator('table td').allInnerTexts()).toEqual(['16', '25%']);
    expect(await view.locator('b, img').count()).toBe(0);
    expect(await view.innerText()).not.toContain('$');
    // KaTeX's fonts are bundled and allowed by the CSP: the formula is set in KaTeX_Main.
    await expect
      .poll(() =>
        page.evaluate(() => [...document.fonts].some((f) => f.family.includes('KaTeX_Main') && f.status === 'loaded')),
      )
      .toBe(true);
    await cell.screenshot({ path: path.join(ARTIFACTS, 'notebook-markdown.png') });
  });

  it('says a cell with invalid settings is invalid instead of previewing the last valid ones; Run all stops there', async () => {
    const dataset = page.getByTestId('cell-problems');
    await pasteInto(page, dataset, '{\n  "from": "file",\n  "path": 42\n}');
    await expect
      .poll(() => page.getByTestId('dataset-invalid-problems').textContent())
      .toBe('The settings above are invalid: fix them to preview (the preview of the last valid ones is hidden).');
    expect(await page.getByTestId('dataset-summary-problems').count()).toBe(0);
    expect(await dataset.getByRole('button', { name: 'Preview dataset' }).isDisabled()).toBe(true);
    await page.getByTestId('run-all').click();
    await expect
      .poll(() => page.getByTestId('run-all-state').textContent())
      .toBe('stopped at problems: cell "problems" has invalid settings');
  });

  it('shows problems and gold answers with their LaTeX rendered or raw in the dataset preview', async () => {
    const dataset = page.getByTestId('cell-problems');
    await pasteInto(page, dataset, '{\n  "from": "file",\n  "path": "datasets/latex.jsonl"\n}');
    const row = page.getByTestId('dataset-summary-problems').locator('tbody tr').first();
    // Shift+Enter previews the settings as they are once the paste reached the notebook.
    await expect
      .poll(
        async () => {
          await page.keyboard.press('Shift+Enter');
          return row
            .locator('td')
            .first()
            .textContent({ timeout: 2000 })
            .catch(() => null);
        },
        { timeout: 30_000 },
      )
      .toBe('half');
    expect(await row.locator('td').nth(2).locator('.katex annotation').textContent()).toBe('\\frac{1}{2}');
    expect(await row.locator('td').nth(1).locator('.katex annotation').allTextContents()).toEqual([
      '\\frac{1}{2} + 0',
      '\\boxed{}',
    ]);
    await dataset.getByTestId('math-raw').click();
    expect(await row.locator('td').nth(2).textContent()).toBe('\\frac{1}{2}');
    expect(await row.locator('td').nth(1).textContent()).toBe('What is $\\frac{1}{2} + 0$? Put it in $\\boxed{}$.');
    await dataset.getByTestId('math-rendered').click();
    expect(await row.locator('.katex').count()).toBe(3);
    expect(errors).toEqual([]);
  });
});
