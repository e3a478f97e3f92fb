/// <reference lib="dom" />
// Geometry checks of drawn figures (`measure` runs in the page: the DOM types describe it).
import type { Page } from 'playwright-core';

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
export interface Geometry {
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
export function measure(root: Element): Geometry {
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
export function geometryProblems(g: Geometry): string[] {
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

/**
 * Draws an exported SVG at 1 unit = 1 px on the page and measures it; also counts its shapes
 * (shaded areas, lines drawn as layout shapes).
 */
export async function measureSvg(page: Page, svg: string): Promise<Geometry & { shapes: number }> {
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
    const shapes = await root.evaluate((node) => node.querySelectorAll('.shapelayer path').length);
    return { ...(await root.evaluate(measure)), shapes };
  } finally {
    await root.evaluate((node) => node.parentElement!.remove());
    await root.dispose();
  }
}
