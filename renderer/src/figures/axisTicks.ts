import type { PlotlyLayout } from './figureData';
import { textWidth } from './textWidth';

type Axis = NonNullable<PlotlyLayout['xaxis']>;

/** 512 → "512", 1024 → "1k", 1536 → "1.5k", 16384 → "16k": token counts as axes print them. */
export function formatTokens(value: number): string {
  if (value < 1000) return String(Math.round(value * 100) / 100);
  const k = value / 1024;
  if (Number.isInteger(k)) return `${k}k`;
  return value % 1000 === 0 ? `${value / 1000}k` : String(Math.round(value));
}

/**
 * Whether windows grow geometrically (a sweep doubling W): at least three, each at least 1.5×
 * the one before. Then a log2 axis spreads them evenly; a linear one crams the small ones.
 */
export function growsGeometrically(windows: readonly number[]): boolean {
  const sorted = [...new Set(windows)].filter((w) => w > 0).sort((a, b) => a - b);
  if (sorted.length < 3) return false;
  return sorted.every((w, i) => i === 0 || w / sorted[i - 1]! >= 1.5);
}

/**
 * An axis of thinking windows with a tick at each window and nothing else, so a log axis never
 * prints Plotly's minor labels ("2 3 4 5 …"). On a log axis the range is padded by a quarter of
 * the smallest step on each side, so the first and last points (and their error bars) sit inside.
 */
export function windowAxis(windows: readonly number[], options: { log: boolean; title: string }): Axis {
  const sorted = [...new Set(windows)].sort((a, b) => a - b);
  const ticks = { tickmode: 'array' as const, tickvals: sorted, ticktext: sorted.map(formatTokens) };
  if (options.log && sorted.length > 0 && sorted[0]! > 0) {
    const logs = sorted.map((w) => Math.log10(w));
    const step = logs.length > 1 ? Math.min(...logs.slice(1).map((l, i) => l - logs[i]!)) : Math.log10(2);
    return {
      title: { text: options.title },
      type: 'log',
      range: [logs[0]! - step / 2, logs[logs.length - 1]! + step / 2],
      ...ticks,
    } as Axis;
  }
  const span = sorted.length > 1 ? sorted[sorted.length - 1]! - sorted[0]! : Math.max(1, sorted[0] ?? 1);
  const pad = span * 0.06;
  return {
    title: { text: options.title },
    type: 'linear',
    range: [Math.max(0, (sorted[0] ?? 0) - pad), (sorted[sorted.length - 1] ?? 1) + pad],
    // Too many windows for one label each: let Plotly choose, it never overlaps linear ticks.
    ...(sorted.length <= 8 ? ticks : {}),
  } as Axis;
}

/**
 * Ticks of a log axis of token counts between lo and hi: powers of ten, with 2× and 5× between
 * them when the axis spans less than three decades, labelled "1k"-style; never minor labels.
 */
export function logTicks(lo: number, hi: number): { tickvals: number[]; ticktext: string[] } {
  const low = Math.max(1, lo);
  const high = Math.max(low * 2, hi);
  const decades = Math.log10(high / low);
  const steps = decades < 1 ? [1, 2, 5] : decades < 3 ? [1, 3] : [1];
  const values: number[] = [];
  for (let p = Math.floor(Math.log10(low)); p <= Math.ceil(Math.log10(high)); p++) {
    for (const s of steps) {
      const v = s * 10 ** p;
      if (v >= low && v <= high) values.push(v);
    }
  }
  if (values.length < 2) values.splice(0, values.length, low, high);
  return { tickvals: values, ticktext: values.map((v) => (v >= 1000 && v % 1000 === 0 ? `${v / 1000}k` : String(v))) };
}

/**
 * Whole-number ticks from 0 to at least `max`, at most `maxTicks` of them, at a 1/2/5 step: a
 * count axis never shows 0.5 samples.
 */
export function integerTicks(max: number, maxTicks: number): { tickvals: number[]; top: number } {
  const top0 = Math.max(1, Math.ceil(max));
  const intervals = Math.max(1, maxTicks - 1);
  let step = 1;
  search: for (let power = 1; ; power *= 10) {
    for (const base of [1, 2, 5]) {
      step = base * power;
      if (Math.ceil(top0 / step) <= intervals) break search;
    }
  }
  const top = Math.ceil(top0 / step) * step;
  const tickvals: number[] = [];
  for (let v = 0; v <= top; v += step) tickvals.push(v);
  return { tickvals, top };
}

/**
 * Drops tick labels that would touch their left neighbour at this width (keeping the first),
 * for an axis with fixed ticks drawn narrower than usual, e.g. in a panel of a multi-panel figure.
 */
export function thinTicks(
  ticks: { tickvals: number[]; ticktext: string[] },
  axis: { range: [number, number]; log: boolean; width: number; fontSize: number },
): { tickvals: number[]; ticktext: string[] } {
  const [lo, hi] = axis.range;
  const at = (v: number) => (((axis.log ? Math.log10(v) : v) - lo) / (hi - lo)) * axis.width;
  const kept = { tickvals: [] as number[], ticktext: [] as string[] };
  let end = -Infinity;
  ticks.tickvals.forEach((v, i) => {
    const text = ticks.ticktext[i] ?? String(v);
    const half = textWidth(text, axis.fontSize) / 2;
    if (at(v) - half < end + axis.fontSize * 0.5) return;
    kept.tickvals.push(v);
    kept.ticktext.push(text);
    end = at(v) + half;
  });
  return kept;
}
