/// <reference lib="dom" />
// Reads back what Plotly drew (code inside evaluate runs in the page: the DOM types describe it).
import type { Locator } from 'playwright-core';

export interface DrawnTrace {
  name: string;
  /** Each marker's centre, in data units of its axes (read back from the drawn pixels). */
  points: Array<[number, number]>;
  /** Each line's subpaths, as their first and last x in data units. */
  lines: Array<[number, number]>;
}

/**
 * What Plotly drew for each trace of a figure, read from the SVG (not from the data it was
 * given): marker positions and line subpaths, converted back to data units with the axes'
 * own pixel mapping.
 */
export async function drawn(figure: Locator): Promise<DrawnTrace[]> {
  return figure.evaluate((node) => {
    type Axis = { p2l(px: number): number; _offset: number; _length: number; type: string };
    const layout = (node as unknown as { _fullLayout: Record<string, Axis> })._fullLayout;
    const value = (axis: Axis, px: number) => (axis.type === 'log' ? 10 ** axis.p2l(px) : axis.p2l(px));
    // Three significant digits: what survives Plotly's rounding of pixel positions.
    const round = (x: number) => (Math.abs(x) < 1e-3 ? 0 : Number(x.toPrecision(3)));
    return [...node.querySelectorAll('.scatterlayer .trace')].map((group) => {
      const trace = (group as unknown as { __data__: Array<{ trace: { name: string; xaxis: string; yaxis: string } }> })
        .__data__[0]!.trace;
      const xa = layout[trace.xaxis.replace('x', 'xaxis')]!;
      const ya = layout[trace.yaxis.replace('y', 'yaxis')]!;
      const points = [...group.querySelectorAll('path.point')].map((p) => {
        const [, x, y] = /translate\(([-\d.e]+),\s*([-\d.e]+)\)/.exec(p.getAttribute('transform') ?? '')!;
        return [round(value(xa, Number(x))), round(value(ya, Number(y)))] as [number, number];
      });
      const lines = [...group.querySelectorAll('path.js-line')].flatMap((line) =>
        (line.getAttribute('d') ?? '')
          .split('M')
          .filter(Boolean)
          .map((sub) => {
            // x of each command: "x,y" after M and L, "x" after H; V keeps x.
            const xs = [...('M' + sub).matchAll(/([MLH])([-\d.e]+)/g)].map((m) => Number(m[2]));
            return [round(value(xa, xs[0]!)), round(value(xa, xs.at(-1)!))] as [number, number];
          }),
      );
      return { name: trace.name, points, lines };
    });
  });
}

/** The x extent (data units, one decimal) of every shape drawn behind or over a figure's plots. */
export async function drawnShades(figure: Locator): Promise<Array<[number, number]>> {
  return figure.evaluate((node) => {
    const axis = (node as unknown as { _fullLayout: { xaxis: { p2l(px: number): number; _offset: number } } })
      ._fullLayout.xaxis;
    return [...node.querySelectorAll('.shapelayer path')].map((p) => {
      const [x0, x1] = [...(p.getAttribute('d') ?? '').matchAll(/[MH]([-\d.]+)/g)].map((m) => Number(m[1]));
      return [x0!, x1!].map((x) => Math.round(axis.p2l(x - axis._offset) * 10) / 10) as [number, number];
    });
  });
}
