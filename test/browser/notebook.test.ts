/// <reference lib="dom" />
// (Code inside page.evaluate runs in the page: the DOM types describe it.)
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, collectErrors, launchChromium } from '../helpers/chromium';
import { REPO_ROOT, startTestHost, type TestHost } from '../helpers/headlessHost';
import { paste } from './notebookPage';

const ARTIFACTS = path.join(REPO_ROOT, 'test-results');
const EXAMPLE = path.join(REPO_ROOT, 'experiments', 'oracle-sweep.z1.json');

/** The oracle's thinking lengths (experiments/datasets/oracle.jsonl, `thinkingLength.plain`). */
const LENGTHS = [8, 12, 16, 24, 32, 40, 48, 64, 80, 96, 128, 20];
const WINDOWS = [8, 16, 32, 64, 128];

interface TraceData {
  name: string;
  x: number[];
  y: number[];
}

async function traces(page: Page, locator: ReturnType<Page['locator']>): Promise<TraceData[]> {
  return locator.evaluate((node) =>
    ((node as unknown as { data: TraceData[] }).data ?? []).map((t) => ({
      name: t.name,
      x: Array.from(t.x),
      y: Array.from(t.y),
    })),
  );
}

async function download(page: Page, testId: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).first().click()]);
  const bytes = await readFile((await file.path())!);
  await writeFile(path.join(ARTIFACTS, `notebook-${file.suggestedFilename()}`), bytes);
  return bytes;
}

describe.skipIf(!chromiumPath)('the notebook in Chromium against the headless host', () => {
  let t: TestHost;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let workDir: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    // The example is opened from the host's list and then saved elsewhere: the test never writes
    // into experiments/. Its dataset path is relative, so the copy keeps datasets/ beside it.
    workDir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-notebook-'));
    await cp(path.join(REPO_ROOT, 'experiments', 'datasets'), path.join(workDir, 'datasets'), { recursive: true });
    [t, browser] = await Promise.all([startTestHost(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    errors = collectErrors(page);
    await page.goto(t.host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens experiments/oracle-sweep.z1.json from the list of examples', async () => {
    await page.getByTestId('open-notebook').click();
    await page.getByTestId('open-oracle-sweep.z1.json').click();
    await page.getByTestId('cell-z1-windows').waitFor();
    expect(await page.getByTestId('notebook-path').textContent()).toBe(EXAMPLE);
    expect(await page.getByTestId('save-state').textContent()).toBe('saved');
    expect(
      await page.locator('[data-cell-type]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-cell-type'))),
    ).toEqual(['markdown', 'model', 'dataset', 'prompt', 'window', 'run', 'window', 'run', 'plot', 'plot']);
    expect(await page.getByTestId('cell-intro').locator('h2').textContent()).toBe(
      "Z1's shifted thinking window, reproduced on the oracle model",
    );
    await expect
      .poll(() => page.getByTestId('status-z1-windows').textContent(), { timeout: 20_000 })
      .toBe(
        '5 runs: shifted-window W=8, shifted-window W=16, shifted-window W=32, shifted-window W=64, shifted-window W=128',
      );
  });

  it('marks an invalid window value in the editor, from the schema the engine uses, and clears it when fixed', async () => {
    const cell = page.getByTestId('cell-z1-windows');
    await cell.locator('.code-editor[data-ready=true] .monaco-editor').click();
    await paste(
      page,
      '{\n  "strategy": "shifted-window",\n  "window": [8, -16, 32, 64, 128],\n  "answerBudget": 16,\n  "maxTokens": 256\n}',
    );
    await expect
      .poll(() => page.getByTestId('markers-z1-windows').innerText(), { timeout: 20_000 })
      .toMatch(/^3:17 Value is below the minimum of 0\./);
    expect(await page.getByTestId('status-z1-windows').textContent()).toMatch(/^window\.window(\[1\])?: /);
    expect(await cell.getAttribute('class')).toContain('invalid');
    expect(await cell.locator('.squiggly-error').count()).toBeGreaterThan(0);
    await cell.screenshot({ path: path.join(ARTIFACTS, 'notebook-window-marker.png') });
    // The invalid text never reached the notebook: it is still as saved.
    expect(await page.getByTestId('save-state').textContent()).toBe('saved');
    await paste(
      page,
      '{\n  "strategy": "shifted-window",\n  "window": [8, 16, 32, 64, 128],\n  "answerBudget": 16,\n  "maxTokens": 256\n}',
    );
    await expect.poll(() => page.getByTestId('markers-z1-windows').innerText(), { timeout: 20_000 }).toBe('');
    expect(await page.getByTestId('status-z1-windows').textContent()).toMatch(/^5 runs: /);
    expect(await cell.getAttribute('class')).not.toContain('invalid');
  });

  it('adds, moves, collapses and deletes cells, shows the unsaved state, and saves with Ctrl+S', async () => {
    // One "+" between cells opens the menu of cell types.
    await page.getByTestId('insert-cell-0').click();
    await page.getByTestId('insert-markdown').click();
    expect(await page.getByTestId('insert-markdown').count()).toBe(0);
    expect(await page.locator('[data-cell-type]').first().getAttribute('data-testid')).toBe('cell-markdown');
    expect(await page.getByTestId('save-state').textContent()).toBe('● unsaved');
    const added = page.getByTestId('cell-markdown');
    await added.getByRole('button', { name: 'Move cell down' }).click();
    expect(await page.locator('[data-cell-type]').nth(1).getAttribute('data-testid')).toBe('cell-markdown');
    await added.getByRole('button', { name: 'Collapse cell' }).click();
    expect(await added.getAttribute('class')).toContain('collapsed');
    await added.getByRole('button', { name: 'Expand cell' }).click();
    await added.getByRole('button', { name: 'Delete cell' }).click();
    expect(await page.getByTestId('cell-markdown').count()).toBe(0);

    // Save as into the work folder (never over the example), then Ctrl+S after an edit.
    await page.getByRole('button', { name: 'Save as…' }).click();
    const target = path.join(workDir, 'oracle-sweep.z1.json');
    await page.getByTestId('save-as-path').fill(target);
    await page.getByTestId('save-as-path').press('Enter');
    await expect.poll(() => page.getByTestId('notebook-path').textContent()).toBe(target);
    expect(await page.getByTestId('save-state').textContent()).toBe('saved');
    await page.getByLabel('Notebook title').fill('Oracle sweep (test copy)');
    expect(await page.getByTestId('save-state').textContent()).toBe('● unsaved');
    // Ctrl+S reaches the notebook from inside a Monaco editor too.
    await page.getByTestId('cell-z1-windows').locator('.code-editor[data-ready=true] .monaco-editor').click();
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('saved');
    const saved = JSON.parse(await readFile(target, 'utf8')) as { metadata: { title: string }; cells: unknown[] };
    expect(saved.metadata.title).toBe('Oracle sweep (test copy)');
    expect(saved.cells).toHaveLength(10);
  });

  it('opens a notebook with a broken cell: the issues name the cell and line, the rest still shows', async () => {
    const broken = path.join(workDir, 'broken.z1.json');
    const text = (await readFile(EXAMPLE, 'utf8'))
      .replace('"window": [8, 16, 32, 64, 128]', '"window": [8, "sixteen"]')
      .replace('"kind": "thinking-histogram"', '"kind": "pie"');
    await writeFile(broken, text);
    await page.getByTestId('open-notebook').click();
    // The copy saved above is among the recent notebooks.
    const dialog = page.getByRole('dialog', { name: 'Open notebook' });
    await expect
      .poll(() => dialog.locator('.file-list li').allInnerTexts())
      .toContainEqual(expect.stringContaining(path.join(workDir, 'oracle-sweep.z1.json')));
    await page.getByLabel('path on the host').fill(broken);
    await page.getByLabel('path on the host').press('Enter');
    await expect.poll(() => page.getByTestId('notebook-path').textContent()).toBe(broken);
    const issues = await page.getByTestId('notebook-issues').locator('li').allInnerTexts();
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^line \d+: cells\[4\]\.window\.window/);
    expect(issues[1]).toMatch(/^line \d+: cells\[9\]\.plot\.kind/);
    expect(await page.getByTestId('status-z1-windows').getAttribute('class')).toContain('error');
    expect(await page.locator('[data-cell-type]').count()).toBe(10);
    // Back to the saved copy for the steps that follow.
    await page.getByTestId('open-notebook').click();
    await page.getByLabel('path on the host').fill(path.join(workDir, 'oracle-sweep.z1.json'));
    await page.getByLabel('path on the host').press('Enter');
    await expect
      .poll(() => page.getByTestId('notebook-path').textContent())
      .toBe(path.join(workDir, 'oracle-sweep.z1.json'));
  });

  it('previews the dataset with Shift+Enter in its editor: row count and a table', async () => {
    await page.getByTestId('cell-problems').locator('.code-editor[data-ready=true] .monaco-editor').click();
    await page.keyboard.press('Shift+Enter');
    await expect
      .poll(() => page.getByTestId('dataset-rows-problems').textContent(), { timeout: 20_000 })
      .toBe('12 problems');
    expect(await page.getByTestId('dataset-summary-problems').locator('tbody tr').count()).toBe(8);
  });

  it('runs the sweep and draws the histogram and the scaling curve with the exact expected values', async () => {
    await page.getByTestId('start-run-z1-sweep').click();
    const runCell = page.getByTestId('cell-z1-sweep');
    await runCell.getByTestId('run-progress').waitFor({ timeout: 30_000 });
    // The sample being generated streams into the live view (one sample at a time).
    await expect
      .poll(() => runCell.getByTestId('live-sample-key').textContent(), { timeout: 30_000 })
      .toMatch(/^q\d\d#0$/);
    await runCell.screenshot({ path: path.join(ARTIFACTS, 'notebook-run-live.png') });
    await expect
      .poll(() => page.getByTestId('run-summary-z1-sweep').locator('li').allInnerTexts(), { timeout: 60_000 })
      .toEqual(
        WINDOWS.map((w) => `shifted-window W=${w} ${((LENGTHS.filter((l) => l <= w).length / 12) * 100).toFixed(1)}%`),
      );
    // The details (table and figures) are one click away.
    await page.getByTestId('show-results-z1-sweep').click();
    await expect
      .poll(() => page.getByTestId('runs-z1-sweep').locator('tbody tr').allInnerTexts())
      .toEqual(
        WINDOWS.map((w) => {
          const right = LENGTHS.filter((l) => l <= w).length;
          return expect.stringMatching(
            new RegExp(`^shifted-window W=${w}\\tcomplete\\t12/12\\t${((right / 12) * 100).toFixed(1)}%`),
          );
        }),
      );
    await page.getByTestId('show-results-z1-sweep').click();
    expect(await runCell.getByTestId('run-progress-count').textContent()).toBe('60/60');
    // The samples streamed into the live view, one at a time; the last one stays readable.
    expect(await runCell.getByTestId('live-sample-key').textContent()).toMatch(/^q\d\d#0$/);
    expect(await runCell.getByTestId('live-length').textContent()).toMatch(/^[1-9]\d* characters$/);
    // A sweep's sample: the thinking is shown once, and each window that cut it (W < L) has its
    // own labelled branch (hint and answer), smallest first, with the thinking going on after it.
    const key = (await runCell.getByTestId('live-sample-key').textContent())!;
    const length = LENGTHS[Number(key.slice(1, 3)) - 1]!;
    const branches = runCell.locator('.stream-branch');
    expect(await branches.evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.branch))).toEqual(
      WINDOWS.filter((w) => w < length).map((w) => `W=${w}`),
    );
    for (const branch of await branches.all()) {
      expect(await branch.locator('.phase-hint').count()).toBeGreaterThan(0);
      expect(await branch.locator('.phase-answer').count()).toBeGreaterThan(0);
      expect(await branch.locator('.phase-thinking').count()).toBe(0);
    }
    // The live panel folded away when the run ended (one click opens it); no figure of its own.
    expect(await runCell.getByTestId('live-panel-z1-sweep').getAttribute('open')).toBeNull();
    await runCell.getByTestId('live-panel-z1-sweep').locator('summary').click();
    await runCell.screenshot({ path: path.join(ARTIFACTS, 'notebook-run-branches.png') });
    await runCell.getByTestId('live-panel-z1-sweep').locator('summary').click();
    expect(await runCell.locator('.js-plotly-plot').count()).toBe(0);
    await runCell.screenshot({ path: path.join(ARTIFACTS, 'notebook-run-live.png') });
    await page.getByTestId('start-run-baseline').click();
    await expect
      .poll(() => page.getByTestId('run-summary-baseline').locator('li').allInnerTexts(), { timeout: 60_000 })
      .toEqual([expect.stringMatching(/ 100\.0%$/)]);

    // The plot cells draw the stored runs: the scaling curve…
    const curve = page.getByTestId('plot-scaling-curve').locator('[data-testid^=figure-]');
    await expect.poll(async () => (await traces(page, curve)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const [sweep] = await traces(page, curve);
    expect(sweep!.x).toEqual(WINDOWS);
    expect(sweep!.y).toEqual(WINDOWS.map((w) => LENGTHS.filter((l) => l <= w).length / 12));
    // …and the histogram, with 1-token bins: at each W, the thinking counts are min(L, W).
    const histogramCell = page.getByTestId('cell-thinking-histogram');
    await histogramCell.getByLabel('bin width').fill('1');
    const histogram = histogramCell.locator('[data-testid^=figure-]');
    await expect
      .poll(async () => (await traces(page, histogram)).map((h) => h.name))
      .toEqual(WINDOWS.map((w) => `W=${w}`));
    for (const [i, trace] of (await traces(page, histogram)).entries()) {
      const counts: Record<number, number> = {};
      for (const l of LENGTHS)
        counts[Math.min(l, WINDOWS[i]!) + 0.5] = (counts[Math.min(l, WINDOWS[i]!) + 0.5] ?? 0) + 1;
      expect(Object.fromEntries(trace.x.map((x, j) => [x, trace.y[j]]).filter(([, y]) => y! > 0))).toEqual(counts);
    }
    await page
      .getByTestId('cell-scaling-curve')
      .screenshot({ path: path.join(ARTIFACTS, 'notebook-scaling-curve.png') });
    await histogramCell.screenshot({ path: path.join(ARTIFACTS, 'notebook-histogram.png') });
  });

  it('loads a local GGUF: backend, layers, memory, delimiters; the prompt preview renders the first problem', async () => {
    // The run wrote the oracle model into the store; load that file by its path, as a user would.
    const dir = path.join(t.storeDir, 'models', 'fixtures');
    const gguf = (await readdir(dir)).find((f) => f.endsWith('.gguf'))!;
    const cell = page.getByTestId('cell-oracle');
    await cell.locator('.code-editor[data-ready=true] .monaco-editor').click();
    await paste(page, JSON.stringify({ source: path.join(dir, gguf), contextSize: 512, threads: 1 }, null, 2));
    await page.getByTestId('load-model-oracle').click();
    await expect.poll(() => cell.getByTestId('model-backend').textContent(), { timeout: 30_000 }).toBe('CPU');
    expect(await cell.getByTestId('model-info').innerText()).toMatch(/layers offloaded\s+0 of \d+/);
    const preview = page.getByTestId('prompt-preview-chatml');
    await expect
      .poll(() => page.getByTestId('prompt-tokens-chatml').textContent(), { timeout: 20_000 })
      .toMatch(/^\d+ tokens$/);
    expect(await preview.locator('pre').textContent()).toBe(
      '<|im_start|>user\nq01: What is 2 + 3? Put the final answer in \\boxed{}.<|im_end|>\n<|im_start|>assistant\n',
    );
    await page.getByTestId('cell-chatml').screenshot({ path: path.join(ARTIFACTS, 'notebook-prompt-preview.png') });
    await cell.screenshot({ path: path.join(ARTIFACTS, 'notebook-model.png') });
  });

  it('exports the scaling curve as SVG, PNG and PDF', async () => {
    const cell = page.getByTestId('cell-scaling-curve');
    const id = 'accuracy-vs-window';
    const svg = (await download(page, `export-${id}-svg`)).toString('utf8');
    expect(svg).toMatch(/<svg[^>]* width="3.3in"/);
    expect(svg).toContain('thinking window W (tokens)');
    const png = await download(page, `export-${id}-png`);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([990, 720]);
    const pdf = await download(page, `export-${id}-pdf`);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(cell).toBeTruthy();
  });

  it('lists stored runs by notebook and cell (a sweep is one row), filters them, opens one, replays a sample, and compares two', async () => {
    await page.getByTestId('show-runs').click();
    const stored = page.getByTestId('stored-runs');
    await stored.waitFor();
    const sweep = stored.getByTestId('run-group-z1-sweep');
    expect(await sweep.locator('td').allTextContents()).toEqual([
      '',
      'shifted-window W=8, 16, 32, 64, 128▸ 5 runs',
      'Z1 shifted window',
      'math',
      'complete',
      '60/60',
      WINDOWS.map((w) => `${((LENGTHS.filter((l) => l <= w).length / 12) * 100).toFixed(1)}%`).join(' · '),
      expect.any(String),
    ]);
    expect(await stored.locator('tr.run-group').count()).toBe(2);
    await page.getByTestId('runs-filter').fill('baseline');
    expect(await stored.locator('tr.run-group').count()).toBe(1);
    await page.getByTestId('runs-filter').fill('');
    await sweep.getByRole('button', { name: '▸ 5 runs' }).click();
    const row = (label: string) =>
      stored.locator('tr.run-variant').filter({ has: page.locator('td', { hasText: new RegExp(`^${label}$`) }) });
    expect(await stored.locator('tr.run-variant').count()).toBe(5);
    await row('shifted-window W=8').getByRole('checkbox').check();
    await page.getByTestId('open-runs').click();
    const results = page.getByTestId('runs-browser').getByTestId('run-results');
    await results.waitFor();
    // Click a point of the per-problem scatter: its trajectory opens, with the cut marked; replay it.
    const point = results.getByTestId('figure-per-problem-thinking').locator('.scatterlayer path.point').last();
    await point.scrollIntoViewIfNeeded();
    const box = (await point.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const trajectory = page.getByTestId('trajectory');
    await trajectory.waitFor();
    await trajectory.getByTestId('trajectory-text').waitFor();
    expect(await trajectory.locator('.window-cut').count()).toBe(1);
    await trajectory.getByTestId('replay').click();
    await expect
      .poll(() => trajectory.getByTestId('live-length').textContent(), { timeout: 20_000 })
      .toMatch(/^\d+ characters$/);
    await trajectory.screenshot({ path: path.join(ARTIFACTS, 'notebook-trajectory.png') });
    await page.keyboard.press('Escape');

    await row('shifted-window W=128').getByRole('checkbox').check();
    await page.getByTestId('compare-runs').click();
    await expect
      .poll(() => page.getByTestId('comparison-summary').textContent(), { timeout: 20_000 })
      .toMatch(/^12 paired samples: both right 1, only A 0, only B 11, neither 0\./);
    await page.getByTestId('runs-browser').screenshot({ path: path.join(ARTIFACTS, 'notebook-comparison.png') });
  });

  it('shows the notebook in both themes with zero console errors', async () => {
    await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-light.png'), fullPage: true });
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
