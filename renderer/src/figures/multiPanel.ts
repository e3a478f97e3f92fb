import { thinTicks } from './axisTicks';
import type { FigureFrame, FigureSpec, PlotlyLayout, PlotlyTrace } from './figureData';
import { textWidth } from './textWidth';

type Annotation = NonNullable<PlotlyLayout['annotations']>[number];
type Shape = NonNullable<PlotlyLayout['shapes']>[number];

export interface Panel {
  spec: FigureSpec;
  /** Shown after the panel's letter: "(a) MATH500". */
  title?: string;
}

/** "(a)", "(b)", … */
export function panelLetter(index: number): string {
  return `(${String.fromCharCode(97 + index)})`;
}

/**
 * Several figures side by side in one: the paper's scaling figure, one panel per benchmark.
 * Each panel keeps its own axes (renumbered), gets a letter above its top-left corner, and
 * the legend is shared: a series drawn in several panels is listed once and drawn in the style
 * of its first appearance everywhere, so one legend entry means one look. Panels that cannot be
 * drawn (no data for them) make the whole figure say why.
 */
export function composePanels(panels: readonly Panel[]): FigureSpec {
  const empty = panels.findIndex((p) => p.spec.empty);
  if (empty >= 0) {
    return {
      data: [],
      layout: {},
      table: { columns: [], rows: [] },
      empty: `Panel ${panelLetter(empty)}: ${panels[empty]!.spec.empty}`,
    };
  }
  let xCount = 0;
  let yCount = 0;
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = { showlegend: false };
  const firstStyle = new Map<string, Record<string, unknown>>();
  const panelAxes: PanelAxes[] = [];
  const staticNotes: Annotation[][] = [];
  const staticShapes: Shape[] = [];

  panels.forEach((panel) => {
    const xMap = new Map<string, string>();
    const yMap = new Map<string, string>();
    const rename = (ref: string, map: Map<string, string>, letter: 'x' | 'y', next: () => number): string => {
      const m = new RegExp(`^${letter}(\\d*)( domain)?$`).exec(ref);
      if (!m) return ref;
      if (!map.has(m[1]!)) map.set(m[1]!, suffix(next()));
      return `${letter}${map.get(m[1]!)}${m[2] ?? ''}`;
    };
    const rx = (ref: string) => rename(ref, xMap, 'x', () => ++xCount);
    const ry = (ref: string) => rename(ref, yMap, 'y', () => ++yCount);
    for (const key of Object.keys(panel.spec.layout)) {
      if (/^xaxis\d*$/.test(key)) rx(`x${key.slice(5)}`);
      if (/^yaxis\d*$/.test(key)) ry(`y${key.slice(5)}`);
    }
    for (const trace of panel.spec.data) {
      const t = { ...(trace as Record<string, unknown>) };
      t.xaxis = rx(String(t.xaxis ?? 'x'));
      t.yaxis = ry(String(t.yaxis ?? 'y'));
      const name = typeof t.name === 'string' ? t.name : null;
      if (name && t.showlegend !== false) {
        const seen = firstStyle.get(name);
        if (seen) {
          Object.assign(t, seen, { showlegend: false });
        } else {
          firstStyle.set(
            name,
            Object.fromEntries(['line', 'marker', 'error_y'].filter((k) => t[k] !== undefined).map((k) => [k, t[k]])),
          );
          t.showlegend = true;
          layout.showlegend = true;
        }
        t.legendgroup = name;
      }
      data.push(t as PlotlyTrace);
    }
    for (const [key, value] of Object.entries(panel.spec.layout)) {
      const axis = /^([xy])axis(\d*)$/.exec(key);
      if (!axis) continue;
      const own = { ...(value as Record<string, unknown>) };
      if (typeof own.anchor === 'string') own.anchor = axis[1] === 'x' ? ry(own.anchor) : rx(own.anchor);
      if (typeof own.matches === 'string') own.matches = axis[1] === 'x' ? rx(own.matches) : ry(own.matches);
      const renamed = axis[1] === 'x' ? rx(`x${axis[2]}`) : ry(`y${axis[2]}`);
      layout[`${axis[1]}axis${renamed.slice(1)}`] = own;
    }
    // Axes that relied on the default anchor ('x', 'y') now anchor within their own panel.
    const firstX = [...xMap.values()][0] ?? '';
    const firstY = [...yMap.values()][0] ?? '';
    for (const x of xMap.values()) {
      const own = layout[`xaxis${x}`] as Record<string, unknown> | undefined;
      if (own && own.anchor === undefined) own.anchor = `y${firstY}`;
    }
    for (const y of yMap.values()) {
      const own = layout[`yaxis${y}`] as Record<string, unknown> | undefined;
      if (own && own.anchor === undefined) own.anchor = `x${firstX}`;
    }
    panelAxes.push({ x: xMap, y: yMap });
    staticShapes.push(
      ...(panel.spec.layout.shapes ?? []).map(
        (s) => ({ ...s, xref: rx(String(s.xref ?? 'x')), yref: ry(String(s.yref ?? 'y')) }) as Shape,
      ),
    );
    staticNotes.push(panel.spec.layout.annotations ?? []);
  });
  layout.shapes = staticShapes;
  const xTitle = sharedXTitle(layout);

  return {
    data,
    layout: layout as PlotlyLayout,
    minPlotHeight: (fs) => Math.max(0, ...panels.map((p) => p.spec.minPlotHeight?.(fs) ?? 0)),
    table: composeTables(panels),
    finish: (frame) => finishPanels(frame, { panels, axes: panelAxes, staticNotes, layout, xTitle }),
  };
}

/**
 * When every panel's x axis has the same title, takes it off the axes and returns it, to be
 * written once under the whole figure.
 */
function sharedXTitle(layout: Record<string, unknown>): string | null {
  const titled = Object.entries(layout)
    .filter(([key]) => /^xaxis\d*$/.test(key))
    .map(([, axis]) => axis as { title?: { text?: string } })
    .filter((axis) => axis.title?.text);
  const texts = new Set(titled.map((axis) => axis.title!.text));
  if (titled.length < 2 || texts.size !== 1) return null;
  for (const axis of titled) delete axis.title;
  return [...texts][0]!;
}

/** A panel's own axis suffixes ('', '2', …) and what they were renamed to. */
interface PanelAxes {
  x: Map<string, string>;
  y: Map<string, string>;
}

function suffix(n: number): string {
  return n === 1 ? '' : String(n);
}

/**
 * Splits the width among the panels, leaving between them room for the next panel's y axis and
 * for what the previous one puts at its right (facet labels), then lets each panel finish
 * itself at its own width and moves its annotations into its column.
 */
function finishPanels(
  frame: FigureFrame,
  composed: {
    panels: readonly Panel[];
    axes: readonly PanelAxes[];
    staticNotes: Annotation[][];
    layout: Record<string, unknown>;
    xTitle: string | null;
  },
): PlotlyLayout {
  const { panels, axes, staticNotes, layout, xTitle } = composed;
  const n = panels.length;
  const fs = frame.fontSize;
  const yAxisRoom = fs * 5.5;
  const firstPass = panels.map((p) => p.spec.finish?.({ ...frame, plotWidth: frame.plotWidth / n }) ?? {});
  const rightRoom = firstPass.map((patch) => patch.margin?.r ?? 0);
  const gaps = rightRoom.slice(0, -1).map((r) => r + yAxisRoom);
  const panelWidth = (frame.plotWidth - gaps.reduce((a, b) => a + b, 0)) / n;
  const out: Record<string, unknown> = {};
  const annotations: Annotation[] = [];
  let top = 0;
  let left = 0;
  const letterSize = fs;
  panels.forEach((panel, p) => {
    const d0 = left / frame.plotWidth;
    const d1 = (left + panelWidth) / frame.plotWidth;
    left += panelWidth + (gaps[p] ?? 0);
    const patch = (panel.spec.finish?.({ ...frame, plotWidth: panelWidth }) ?? {}) as Record<string, unknown>;
    const xMap = axes[p]!.x;
    const yMap = axes[p]!.y;
    const rx = (ref: string) => remap(ref, 'x', xMap);
    const ry = (ref: string) => remap(ref, 'y', yMap);
    for (const [key, value] of Object.entries(patch)) {
      const axis = /^([xy])axis(\d*)$/.exec(key);
      if (axis) {
        const renamed = axis[1] === 'x' ? rx(`x${axis[2]}`) : ry(`y${axis[2]}`);
        out[`${axis[1]}axis${renamed.slice(1)}`] = value;
      }
    }
    for (const x of xMap.values()) {
      const own = layout[`xaxis${x}`] as {
        tickvals?: number[];
        ticktext?: string[];
        range?: [number, number];
        type?: string;
      };
      // Labels level and thinned where the panel is too narrow for all of them.
      const ticks =
        own.tickvals && own.range
          ? thinTicks(
              { tickvals: own.tickvals, ticktext: own.ticktext ?? own.tickvals.map(String) },
              { range: own.range, log: own.type === 'log', width: panelWidth, fontSize: fs },
            )
          : {};
      out[`xaxis${x}`] = { ...((out[`xaxis${x}`] as object) ?? {}), domain: [d0, d1], tickangle: 0, ...ticks };
    }
    const notes = [...staticNotes[p]!, ...((patch.annotations as Annotation[] | undefined) ?? [])];
    for (const a of notes) {
      const moved = { ...a, xref: rx(String(a.xref ?? 'x')), yref: ry(String(a.yref ?? 'y')) } as Annotation;
      if (a.xref === 'paper') moved.x = d0 + Number(a.x ?? 0) * (d1 - d0);
      annotations.push(moved);
    }
    const marginTop = (patch.margin as { t?: number } | undefined)?.t ?? 0;
    top = Math.max(top, marginTop);
    annotations.push({
      xref: 'paper',
      x: d0,
      xanchor: 'left',
      yref: 'paper',
      y: 1,
      yanchor: 'bottom',
      // Above the panel's own labels (its W marks), which sit right over the plot.
      yshift: marginTop + 1,
      // The title only where it fits over the panel (and what is right of it); the letter always.
      text:
        panel.title && textWidth(`${panelLetter(p)} ${panel.title}`, letterSize) <= panelWidth + (gaps[p] ?? 0) * 0.5
          ? `${panelLetter(p)} ${panel.title}`
          : panelLetter(p),
      showarrow: false,
      font: { size: letterSize },
    } as Annotation);
  });
  if (xTitle) {
    // One title under all panels: the same title under each would run into its neighbours.
    annotations.push({
      xref: 'paper',
      x: 0.5,
      xanchor: 'center',
      yref: 'paper',
      y: 0,
      yanchor: 'top',
      yshift: -(fs * 2.1),
      text: xTitle,
      showarrow: false,
      font: { size: fs },
    } as Annotation);
  }
  return {
    ...(out as PlotlyLayout),
    annotations,
    margin: { t: top + letterSize * 1.5, r: rightRoom[n - 1] ?? 0 },
  };
}

function remap(ref: string, letter: 'x' | 'y', renamed: ReadonlyMap<string, string>): string {
  const m = new RegExp(`^${letter}(\\d*)( domain)?$`).exec(ref);
  if (!m) return ref;
  return `${letter}${renamed.get(m[1]!) ?? m[1]}${m[2] ?? ''}`;
}

/** One CSV for the whole figure: each panel's rows, prefixed with the panel's letter. */
function composeTables(panels: readonly Panel[]): FigureSpec['table'] {
  const columns = ['panel', ...new Set(panels.flatMap((p) => p.spec.table.columns))];
  const rows = panels.flatMap((p, i) =>
    p.spec.table.rows.map((row) => [
      panelLetter(i),
      ...columns.slice(1).map((c) => {
        const at = p.spec.table.columns.indexOf(c);
        return at >= 0 ? (row[at] ?? null) : null;
      }),
    ]),
  );
  return { columns, rows };
}
