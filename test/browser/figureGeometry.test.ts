/// <reference lib="dom" />
// (Code inside page.evaluate runs in the page: the DOM types describe it.)
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/chromium';
import { REPO_ROOT, type TestHost } from '../helpers/headlessHost';
import { geometryProblems, measure, measureSvg } from './figureGeometryChecks';
import { openFigureLab, showSamples } from './figureLabPage';
import { FIGURE_KINDS, type FigureKind } from '../../renderer/src/figures/figureCatalog';
import { PAPER_PRESETS } from '../../renderer/src/export/paperPresets';
import { NO_WINDOW_NOTE } from '../../renderer/src/figures/scalingCurve';
import { SWEEP_WINDOWS, sweepSamples } from '../unit/figures/figureFixtures';
import type {} from '../../renderer/src/lab/labHandle';

const ARTIFACTS = path.join(REPO_ROOT, 'test-results', 'figures');
/** `Z1_DOC_FIGURES=1` also writes the single-column SVG of each kind to docs/figures/. */
const DOC_FIGURES = process.env.Z1_DOC_FIGURES === '1' ? path.join(REPO_ROOT, 'docs', 'figures') : null;
const PDFFONTS = ['/usr/bin/pdffonts', '/usr/local/bin/pdffonts'].find((p) => existsSync(p)) ?? null;

describe.skipIf(!chromiumPath)('figure geometry at every paper preset, in Chromium', () => {
  let t: TestHost;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  async function exportFigure(kind: FigureKind, preset: string, options: { title?: string } = {}): Promise<string> {
    return page.evaluate(([k, p, title]) => window.z1Lab!.exportFigure({ kind: k, preset: p, format: 'svg', title }), [
      kind,
      preset,
      options.title,
    ] as const);
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    if (DOC_FIGURES) await mkdir(DOC_FIGURES, { recursive: true });
    ({ t, browser, page, errors } = await openFigureLab(sweepSamples(), SWEEP_WINDOWS));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const preset of PAPER_PRESETS) {
    it(`${preset.label}: no text cut off or overlapping, legends and labels off the data, in every figure kind`, async () => {
      const problems: string[] = [];
      for (const kind of FIGURE_KINDS) {
        const svg = await exportFigure(kind, preset.id);
        await writeFile(path.join(ARTIFACTS, `${kind}-${preset.id}.svg`), svg);
        if (DOC_FIGURES && preset.id === 'single-column') await writeFile(path.join(DOC_FIGURES, `${kind}.svg`), svg);
        const geometry = await measureSvg(page, svg);
        expect(geometry.plots.length, `${kind}: plot areas found`).toBeGreaterThan(0);
        problems.push(...geometryProblems(geometry).map((p) => `${kind}: ${p}`));
      }
      // With the title drawn in: it takes its own room above the legend.
      const titled = await measureSvg(
        page,
        await exportFigure('accuracy-vs-window', preset.id, { title: 'MATH500, Z1-7B' }),
      );
      expect(titled.texts.filter((x) => x.role === 'title').map((x) => x.text)).toEqual(['MATH500, Z1-7B']);
      problems.push(...geometryProblems(titled).map((p) => `titled accuracy-vs-window: ${p}`));
      expect(problems).toEqual([]);
    });
  }

  it('draws the histogram as small multiples with the W labels, the legend and the window axis where they belong', async () => {
    const g = await measureSvg(page, await exportFigure('thinking-histogram', 'single-column'));
    // One panel per window and one for the unbounded run; no legend (each panel is labelled).
    expect(g.plots.length).toBe(6);
    expect(g.legend).toBeNull();
    expect(g.texts.filter((x) => x.role === 'annotation').map((x) => x.text)).toEqual([
      'W=128',
      'W=256',
      'W=512',
      'W=1024',
      'W=2048',
      'no window',
    ]);
    // Counts get whole-number ticks only.
    const yTicks = g.texts.filter((x) => x.role === 'tick' && x.box.x1 < g.plots[0]!.x0).map((x) => x.text);
    expect(yTicks.every((x) => /^\d+$/.test(x))).toBe(true);
    // The step view overlays the groups: a legend above the plot and one W label per window.
    const steps = await measureSvg(page, await exportFigure('thinking-histogram-steps', 'single-column'));
    expect(steps.legend).not.toBeNull();
    expect(steps.legend!.y1).toBeLessThanOrEqual(steps.plots[0]!.y0);
    expect(steps.texts.filter((x) => x.role === 'annotation').map((x) => x.text)).toEqual(
      SWEEP_WINDOWS.map((w) => `W=${w}`),
    );
    // By strategy, on a log x axis: one W label per window above the panels, panels labelled.
    const byStrategy = await measureSvg(page, await exportFigure('thinking-histogram-by-strategy', 'single-column'));
    expect(byStrategy.plots.length).toBe(4);
    expect(byStrategy.texts.filter((x) => x.role === 'annotation').map((x) => x.text)).toEqual([
      'shifted-window',
      'budget-forcing',
      'hard-cut',
      'unbounded',
      ...SWEEP_WINDOWS.map((w) => `W=${w}`),
    ]);
    const top = Math.min(...byStrategy.plots.map((p) => p.y0));
    for (const label of byStrategy.texts.filter((x) => x.text.startsWith('W=')))
      expect(label.box.y1).toBeLessThanOrEqual(top);
  });

  it('puts the scaling curve on a log2 window axis with a tick at each window and no other label', async () => {
    const g = await measureSvg(page, await exportFigure('accuracy-vs-window', 'single-column'));
    const xTicks = g.texts.filter((x) => x.role === 'tick' && x.box.y0 > g.plots[0]!.y1).map((x) => x.text);
    expect(xTicks).toEqual(['128', '256', '512', '1k', '2k']);
    // Three strategies and the unbounded reference, each once in the legend.
    expect(g.texts.filter((x) => x.role === 'legend').map((x) => x.text)).toEqual([
      'shifted-window',
      'budget-forcing',
      'hard-cut',
      'unbounded, no window',
    ]);
  });

  it('letters the panels of a multi-panel figure and shares one legend', async () => {
    const g = await measureSvg(page, await exportFigure('two-panels', 'double-column'));
    expect(g.plots.length).toBe(2);
    expect(g.texts.filter((x) => x.role === 'annotation').map((x) => x.text)).toEqual([
      '(a) even problems',
      '(b) odd problems',
      'thinking window W (tokens)',
    ]);
    expect(g.texts.filter((x) => x.role === 'legend').map((x) => x.text)).toEqual([
      'shifted-window',
      'budget-forcing',
      'hard-cut',
      'unbounded, no window',
    ]);
  });

  it.skipIf(!PDFFONTS)('embeds every font of an exported PDF, as a subset (pdffonts)', async () => {
    for (const [kind, font, embedded] of [
      ['accuracy-vs-window', 'sans', 'ZWBSNS+Arimo'],
      ['thinking-histogram', 'sans', 'ZWBSNS+Arimo'],
      ['two-panels', 'sans', 'ZWBSNS+Arimo'],
      ['accuracy-vs-mean-thinking', 'serif', 'ZWBSRF+Tinos'],
    ] as const) {
      const base64 = await page.evaluate(
        ([k, f]) =>
          window.z1Lab!.exportFigure({ kind: k, preset: 'single-column', format: 'pdf', title: 'Fonts', font: f }),
        [kind, font] as const,
      );
      const file = path.join(ARTIFACTS, `${kind}-${font}.pdf`);
      await writeFile(file, Buffer.from(base64, 'base64'));
      const { stdout } = await promisify(execFile)(PDFFONTS!, [file]);
      const fonts = stdout
        .trim()
        .split('\n')
        .slice(2)
        .map((line) => line.split(/\s+/));
      // name, type …, encoding, emb, sub, uni, object, generation: read from the right.
      expect(fonts.map((f) => ({ name: f[0], emb: f.at(-5), sub: f.at(-4) }))).toEqual([
        { name: embedded, emb: 'yes', sub: 'yes' },
      ]);
    }
  });

  it('says why instead of drawing accuracy against W for unbounded-only runs, and refuses to export it', async () => {
    const unbounded = sweepSamples().filter((s) => s.window === null);
    await showSamples(page, unbounded, []);
    await expect.poll(() => page.getByTestId('figure-empty-accuracy-vs-window').textContent()).toBe(NO_WINDOW_NOTE);
    expect(await page.getByTestId('figure-accuracy-vs-window').count()).toBe(0);
    const refused = await page.evaluate(() =>
      window.z1Lab!.exportFigure({ kind: 'accuracy-vs-window', preset: 'single-column', format: 'svg' }).then(
        () => 'exported',
        (e: Error) => e.message,
      ),
    );
    expect(refused).toBe(NO_WINDOW_NOTE);
    await showSamples(page, sweepSamples(), SWEEP_WINDOWS);
  });

  it('lays out the on-screen figures the same way: no legend on the data, no text cut off or overlapping', async () => {
    await page.waitForFunction(() => document.querySelectorAll('.plotly-figure[data-state=drawn]').length === 5, null, {
      timeout: 30_000,
    });
    const hosts = await page.locator('.plotly-host').all();
    const problems: string[] = [];
    for (const host of hosts) {
      const id = await host.getAttribute('data-testid');
      const g = await host.locator('.svg-container').evaluate(measure);
      problems.push(...geometryProblems(g).map((p) => `${id}: ${p}`));
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'figure-lab.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(errors).toEqual([]);
  });
});
