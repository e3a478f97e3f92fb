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

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface Geometry {
  width: number;
  height: number;
  texts: Array<{ text: string; role: string; box: Box }>;
  plots: Box[];
  legend: Box | null;
}

/**
 * Measures a drawn Plotly figure inside `root` (an exported SVG or an on-screen figure) in the
 * root's own units: every visible text with its role, each subplot's plot area (from Plotly's
 * clip rectangles), and the legend's box.
 */
function measure(root: Element): Geometry {
  const origin = root.getBoundingClientRect();
  const rel = (r: DOMRect | { left: number; top: number; right: number; bottom: number }): Box => ({
    x0: r.left - origin.left,
    y0: r.top - origin.top,
    x1: r.right - origin.left,
    y1: r.bottom - origin.top,
  });
  const role = (el: Element): string =>
    el.closest('.legend')
      ? 'legend'
      : el.closest('.annotation')
        ? 'annotation'
        : el.closest('.xtick, .ytick')
          ? 'tick'
          : el.closest('.g-gtitle')
            ? 'title'
            : el.closest('.textpoint')
              ? 'point label'
              : 'axis title';
  const texts = [...root.querySelectorAll('text')]
    .filter((t) => (t.textContent ?? '').trim() !== '' && t.getBoundingClientRect().width > 0)
    .map((t) => ({ text: t.textContent!.trim(), role: role(t), box: rel(t.getBoundingClientRect()) }));
  const plots = [...root.querySelectorAll('clipPath.plotclip')].flatMap((clip) => {
    const user = root.querySelector(`[clip-path="url(#${clip.id})"]`) as SVGGraphicsElement | null;
    const rect = clip.querySelector('rect');
    const ctm = user?.getScreenCTM();
    if (!rect || !ctm) return [];
    const w = Number(rect.getAttribute('width'));
    const h = Number(rect.getAttribute('height'));
    const a = new DOMPoint(0, 0).matrixTransform(ctm);
    const b = new DOMPoint(w, h).matrixTransform(ctm);
    return [rel({ left: a.x, top: a.y, right: b.x, bottom: b.y })];
  });
  const legendBg = root.querySelector('.legend > rect.bg');
  return {
    width: origin.width,
    height: origin.height,
    texts,
    plots,
    legend: legendBg ? rel(legendBg.getBoundingClientRect()) : null,
  };
}

/** Overlap of two boxes, each shrunk by `inset` (text boxes include the font's blank leading). */
function overlaps(a: Box, b: Box, inset = 0): boolean {
  return (
    Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 2 * inset &&
    Math.min(a.y1 - inset, b.y1 - inset) - Math.max(a.y0 + inset, b.y0 + inset) > 0
  );
}

/** What is wrong with a figure's geometry, as sentences; empty when nothing is. */
function geometryProblems(g: Geometry): string[] {
  const problems: string[] = [];
  const name = (t: Geometry['texts'][number]) => `${t.role} "${t.text}"`;
  for (const t of g.texts) {
    if (t.box.x0 < -0.5 || t.box.y0 < -0.5 || t.box.x1 > g.width + 0.5 || t.box.y1 > g.height + 0.5)
      problems.push(`${name(t)} is cut off at the figure's edge`);
  }
  g.texts.forEach((a, i) => {
    for (const b of g.texts.slice(i + 1)) {
      const inset = Math.min(a.box.y1 - a.box.y0, b.box.y1 - b.box.y0) * 0.18;
      if (overlaps(a.box, b.box, inset)) problems.push(`${name(a)} overlaps ${name(b)}`);
    }
  });
  for (const plot of g.plots) {
    if (g.legend && overlaps(g.legend, plot, 0.5)) problems.push('the legend covers the data area');
    for (const t of g.texts.filter((t) => t.role === 'annotation' || t.role === 'legend' || t.role === 'title'))
      if (overlaps(t.box, plot, 0.5)) problems.push(`${name(t)} lies on the data area`);
  }
  return problems;
}

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

  /** Draws an exported SVG at 1 unit = 1 px and measures it. */
  async function measureSvg(svg: string): Promise<Geometry> {
    const root = await page.evaluateHandle((text) => {
      const holder = document.createElement('div');
      holder.style.cssText = 'position:absolute;left:0;top:0;background:white;z-index:9';
      holder.innerHTML = text.replace(/^<\?xml[^>]*>\s*/, '');
      const svgRoot = holder.querySelector('svg')!;
      const [, , w, h] = svgRoot.getAttribute('viewBox')!.split(' ').map(Number);
      svgRoot.setAttribute('width', String(w));
      svgRoot.setAttribute('height', String(h));
      document.body.appendChild(holder);
      return svgRoot;
    }, svg);
    try {
      return await root.evaluate(measure);
    } finally {
      await root.evaluate((node) => node.parentElement!.remove());
      await root.dispose();
    }
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
        const geometry = await measureSvg(svg);
        expect(geometry.plots.length, `${kind}: plot areas found`).toBeGreaterThan(0);
        problems.push(...geometryProblems(geometry).map((p) => `${kind}: ${p}`));
      }
      // With the title drawn in: it takes its own room above the legend.
      const titled = await measureSvg(await exportFigure('accuracy-vs-window', preset.id, { title: 'MATH500, Z1-7B' }));
      expect(titled.texts.filter((x) => x.role === 'title').map((x) => x.text)).toEqual(['MATH500, Z1-7B']);
      problems.push(...geometryProblems(titled).map((p) => `titled accuracy-vs-window: ${p}`));
      expect(problems).toEqual([]);
    });
  }

  it('draws the histogram as small multiples with the W labels, the legend and the window axis where they belong', async () => {
    const g = await measureSvg(await exportFigure('thinking-histogram', 'single-column'));
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
    const steps = await measureSvg(await exportFigure('thinking-histogram-steps', 'single-column'));
    expect(steps.legend).not.toBeNull();
    expect(steps.legend!.y1).toBeLessThanOrEqual(steps.plots[0]!.y0);
    expect(steps.texts.filter((x) => x.role === 'annotation').map((x) => x.text)).toEqual(
      SWEEP_WINDOWS.map((w) => `W=${w}`),
    );
  });

  it('puts the scaling curve on a log2 window axis with a tick at each window and no other label', async () => {
    const g = await measureSvg(await exportFigure('accuracy-vs-window', 'single-column'));
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
    const g = await measureSvg(await exportFigure('two-panels', 'double-column'));
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
    for (const [kind, font] of [
      ['accuracy-vs-window', 'sans'],
      ['thinking-histogram', 'sans'],
      ['two-panels', 'sans'],
    ] as const) {
      const base64 = await page.evaluate(
        ([k]) => window.z1Lab!.exportFigure({ kind: k, preset: 'single-column', format: 'pdf', title: 'Fonts' }),
        [kind] as const,
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
        { name: 'ZWBSNS+Arimo', emb: 'yes', sub: 'yes' },
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
    await page.waitForFunction(() => document.querySelectorAll('.plotly-figure[data-state=drawn]').length === 4, null, {
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
