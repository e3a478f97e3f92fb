/// <reference lib="dom" />
// (Code inside page.evaluate runs in the page: the DOM types describe it.)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/chromium';
import { REPO_ROOT, type TestHost } from '../helpers/headlessHost';
import { openFigureLab } from './figureLabPage';
import type { FigureSample } from '../../renderer/src/figures/figureData';
import type {} from '../../renderer/src/lab/labHandle';
import { paste } from './notebookPage';

const ARTIFACTS = path.join(REPO_ROOT, 'test-results');

/**
 * Oracle-shaped fixed data: problem k (1…12) thinks 8k tokens by itself; at window W a sample
 * whose thinking is longer is cut at W and answers wrong. So at W = 16, 48, 100 exactly 2, 6 and
 * 12 of 12 are right, and the thinking counts are min(8k, W).
 */
const WINDOWS = [16, 48, 100];
function oracleSamples(): FigureSample[] {
  const samples: FigureSample[] = [];
  for (const w of WINDOWS) {
    for (let k = 1; k <= 12; k++) {
      const natural = 8 * k;
      samples.push({
        runId: `run-w${w}`,
        runLabel: `W=${w}`,
        strategy: 'shifted-window',
        window: w,
        model: 'oracle',
        problemId: `q${String(k).padStart(2, '0')}`,
        sampleKey: `q${String(k).padStart(2, '0')}#0`,
        thinkingTokens: Math.min(natural, w),
        correct: natural <= w,
        cut: natural > w,
        difficulty: k,
      });
    }
  }
  return samples;
}

interface TraceData {
  name: string;
  x: number[];
  y: number[];
  error_y?: { array: number[]; arrayminus: number[] };
}

async function traces(page: Page, testId: string): Promise<TraceData[]> {
  return page.getByTestId(testId).evaluate((node) =>
    ((node as unknown as { data: TraceData[] }).data ?? []).map((t) => ({
      name: t.name,
      x: Array.from(t.x),
      y: Array.from(t.y),
      error_y: t.error_y
        ? { array: Array.from(t.error_y.array), arrayminus: Array.from(t.error_y.arrayminus) }
        : undefined,
    })),
  );
}

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const bytes = await readFile((await file.path())!);
  await writeFile(path.join(ARTIFACTS, file.suggestedFilename()), bytes);
  return { name: file.suggestedFilename(), bytes };
}

/** The text of every Flate stream in a PDF, inflated (jsPDF compresses page content). */
function pdfContent(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  let out = '';
  for (const match of text.matchAll(/stream\r?\n/g)) {
    const start = match.index! + match[0].length;
    const end = text.indexOf('endstream', start);
    try {
      out += inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      out += pdf.subarray(start, end).toString('latin1');
    }
  }
  return out;
}

describe.skipIf(!chromiumPath)('figures, export and editors in Chromium (figure lab on the headless host)', () => {
  let t: TestHost;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    ({ t, browser, page, errors } = await openFigureLab(oracleSamples(), WINDOWS));
    await page.waitForFunction(() => document.querySelectorAll('.plotly-figure[data-state=drawn]').length === 5, null, {
      timeout: 30_000,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('draws the thinking-token histogram with the exact counts per window, and marks the windows', async () => {
    const histogram = await traces(page, 'figure-thinking-tokens');
    expect(histogram.map((h) => h.name)).toEqual(['W=16', 'W=48', 'W=100']);
    // Bins of 5 tokens from 5: W=16 has q01 (8) alone and eleven samples at 16 (q02 ends there, ten are cut).
    const counts = (trace: TraceData) =>
      Object.fromEntries(trace.x.map((x, i) => [x, trace.y[i]]).filter(([, y]) => y! > 0));
    expect(counts(histogram[0]!)).toEqual({ 7.5: 1, 17.5: 11 });
    expect(counts(histogram[1]!)).toEqual({ 7.5: 1, 17.5: 1, 22.5: 1, 32.5: 1, 42.5: 1, 47.5: 7 });
    expect(counts(histogram[2]!)).toEqual({
      7.5: 1,
      17.5: 1,
      22.5: 1,
      32.5: 1,
      42.5: 1,
      47.5: 1,
      57.5: 1,
      62.5: 1,
      72.5: 1,
      82.5: 1,
      87.5: 1,
      97.5: 1,
    });
    const marks = await page
      .getByTestId('figure-thinking-tokens')
      .evaluate((node) =>
        ((node as unknown as { layout: { shapes: Array<{ x0: number }> } }).layout.shapes ?? []).map((s) => s.x0),
      );
    expect(marks).toEqual(WINDOWS);
  });

  it('draws the histogram as small multiples by default, switches to steps and to a log x axis', async () => {
    const panel = page.getByRole('region', { name: 'Thinking tokens' });
    const figure = page.getByTestId('figure-thinking-tokens');
    const axes = () =>
      figure.evaluate((node) => {
        const gd = node as unknown as {
          data: Array<{ xaxis: string; yaxis: string }>;
          layout: Record<string, { type?: string }>;
        };
        return { traces: gd.data.map((t) => `${t.xaxis}/${t.yaxis}`), xType: gd.layout.xaxis?.type };
      });
    await expect.poll(axes).toEqual({ traces: ['x/y', 'x2/y2', 'x3/y3'], xType: 'linear' });
    await panel.getByLabel('log x').check();
    await expect.poll(async () => (await axes()).xType).toBe('log');
    await figure.screenshot({ path: path.join(ARTIFACTS, 'histogram-facets-logx.png') });
    await panel.getByLabel('log x').uncheck();
    await panel.getByLabel('as').selectOption('steps');
    await expect.poll(axes).toEqual({ traces: ['x/y', 'x/y', 'x/y'], xType: 'linear' });
    // An outline per window, closed to zero at both ends: W=16 is 1 sample in [5, 10), 11 in [15, 20).
    const [first] = await traces(page, 'figure-thinking-tokens');
    expect(first!.x.slice(0, 5)).toEqual([5, 5, 10, 10, 15]);
    expect(first!.y.slice(0, 5)).toEqual([0, 1, 1, 0, 0]);
    expect(first!.y.at(-1)).toBe(0);
    await panel.getByLabel('y', { exact: true }).selectOption('cdf');
    const [cdf] = await traces(page, 'figure-thinking-tokens');
    expect(cdf!.x).toEqual([8, 8, 16]);
    expect(cdf!.y).toEqual([0, 1 / 12, 1]);
    await panel.getByLabel('y', { exact: true }).selectOption('count');
    await panel.getByLabel('as').selectOption('facets');
    await expect.poll(axes).toEqual({ traces: ['x/y', 'x2/y2', 'x3/y3'], xType: 'linear' });
  });

  it('draws the scaling curve: 2/12, 6/12, 12/12 with Wilson intervals', async () => {
    const [curve] = await traces(page, 'figure-accuracy-vs-window');
    expect(curve!.x).toEqual([16, 48, 100]);
    expect(curve!.y).toEqual([2 / 12, 6 / 12, 1]);
    // Wilson 95% bounds for 2/12, 6/12 and 12/12.
    const high = curve!.y.map((y, i) => y + curve!.error_y!.array[i]!);
    const low = curve!.y.map((y, i) => y - curve!.error_y!.arrayminus[i]!);
    expect(low.map((v) => +v.toFixed(4))).toEqual([0.047, 0.2538, 0.7575]);
    expect(high.map((v) => +v.toFixed(4))).toEqual([0.448, 0.7462, 1]);
    const [efficiency] = await traces(page, 'figure-accuracy-vs-mean-thinking-tokens');
    expect(efficiency!.x).toEqual([184 / 12, 38, 52]); // (8 + 11·16)/12, (8+16+…+48 + 6·48)/12, (8+…+96)/12
    expect(efficiency!.y).toEqual([2 / 12, 6 / 12, 1]);
  });

  it('compares runs in a table', async () => {
    const rows = await page.getByTestId('run-comparison').locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').slice(0, 4).join(' '))).toEqual([
      'W=16 16 12 16.7%',
      'W=48 48 12 50.0%',
      'W=100 100 12 100.0%',
    ]);
  });

  it('exports the scaling curve as SVG, PNG and PDF at single-column size, and its data as CSV', async () => {
    const svg = await download(page, 'export-accuracy-vs-window-svg');
    expect(svg.name).toBe('accuracy-vs-window-single-column.svg');
    const svgText = svg.bytes.toString('utf8');
    expect(svgText).toMatch(/<svg[^>]* width="3.3in"/);
    expect(svgText).toMatch(/<svg[^>]* height="2.4in"/);
    expect(svgText).toMatch(/viewBox="0 0 237.6 172.8"/);
    expect(svgText).toContain('thinking window W (tokens)');
    expect(svgText).toMatch(/font-family: ?Arimo, ?Helvetica, ?Arial, ?sans-serif/);

    const png = await download(page, 'export-accuracy-vs-window-png');
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    // 3.3 × 2.4 in at 300 DPI, and the DPI written into a pHYs chunk (11811 px/m).
    expect([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)]).toEqual([990, 720]);
    expect(png.bytes.subarray(37, 41).toString('latin1')).toBe('pHYs');
    expect(png.bytes.readUInt32BE(41)).toBe(11811);

    const pdf = await download(page, 'export-accuracy-vs-window-pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const mediaBox = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.bytes.toString('latin1'))!;
    expect(Number(mediaBox[1])).toBeCloseTo(237.6, 6);
    expect(Number(mediaBox[2])).toBeCloseTo(172.8, 6);
    const content = pdfContent(pdf.bytes);
    expect(content).toMatch(/\bBT\b[\s\S]*\bTj\b/); // real text, not a picture of text
    expect(pdf.bytes.toString('latin1')).not.toContain('/Subtype /Image');

    const csv = await download(page, 'export-accuracy-vs-window-csv');
    const lines = csv.bytes.toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('series,window,n,correct,accuracy,ci_low,ci_high,mean_thinking_tokens');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([
      'shifted-window,16,12,2,0.16666666666666666',
      'shifted-window,48,12,6,0.5',
      'shifted-window,100,12,12,1',
    ]);
  });

  it('opens the sample behind a clicked point of the per-problem scatter', async () => {
    const figure = page.getByTestId('figure-per-problem-thinking');
    await figure.scrollIntoViewIfNeeded();
    // q05 of W=16: cut, so at (16 tokens, 0%), where no other window has a point.
    const point = figure.locator('.scatterlayer .trace').first().locator('path.point').nth(4);
    const box = (await point.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect
      .poll(() => page.evaluate(() => window.z1Lab!.openedSample))
      .toMatchObject({ runId: 'run-w16', sampleKey: expect.stringMatching(/^q(0[3-9]|1[0-2])#0$/) });
  });

  it('shows schema markers in the window editor and clears them when fixed', async () => {
    const editor = page.locator('.code-editor[data-ready=true] .monaco-editor').first();
    await editor.click();
    await paste(page, '{\n  "strategy": "shifted-window",\n  "window": "many"\n}');
    await expect
      .poll(() => page.getByTestId('lab-markers').innerText(), { timeout: 20_000 })
      .toBe('3:13 Incorrect type. Expected "integer".');
    expect(await page.locator('.monaco-editor .squiggly-error').count()).toBeGreaterThan(0);
    await page.screenshot({
      path: path.join(ARTIFACTS, 'window-editor-marker.png'),
      clip: (await page.locator('.cell').first().boundingBox())!,
    });
    await paste(page, '{\n  "strategy": "shifted-window",\n  "window": [16, 48, 100]\n}');
    await expect.poll(() => page.getByTestId('lab-markers').innerText(), { timeout: 20_000 }).toBe('');
  });

  it('streams a sample with thinking, hint and answer coloured and the cut marked, without re-rendering the page', async () => {
    await page.evaluate(() => window.z1Lab!.takeCommits());
    await page.evaluate(() => window.z1Lab!.stream(600, 3000));
    // 600 chunks of " token", every 13th with a line break: 600 × 6 + 46 characters.
    await expect.poll(() => page.getByTestId('live-length').textContent()).toBe('3646 characters');
    expect(await page.evaluate(() => window.z1Lab!.takeCommits())).toBe(0);
    const live = page.getByTestId('live-sample');
    expect(await live.locator('.phase-thinking').count()).toBeGreaterThan(0);
    expect(await live.locator('.phase-hint').count()).toBeGreaterThan(0);
    expect(await live.locator('.phase-answer').count()).toBeGreaterThan(0);
    expect(await live.locator('.window-cut').count()).toBe(1);
    // The cut sits between the last thinking chunk and the hint.
    expect(
      await live
        .locator('.window-cut')
        .evaluate((m) => [m.previousElementSibling?.className, m.nextElementSibling?.className]),
    ).toEqual(['phase phase-thinking', 'phase phase-hint']);
  });

  it('switches to the dark theme and keeps zero console errors', async () => {
    await page.getByTestId('theme-toggle').click(); // auto → light
    await page.getByTestId('theme-toggle').click(); // light → dark
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'figure-lab-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
