import type { FigureSpec, PlotlyLayout, PlotlyTrace } from './figureData';
import { MARK_COLOUR } from './windowMarks';

/** The phases a trajectory's tokens are in (common/api/contract/generation.ts). */
export type TracePhase = 'thinking' | 'hint' | 'answer' | 'wait' | 'cue';

/**
 * A sample's per-token signals as the trace view draws them: the shape `runs.signals` answers
 * with (token indices count every token of the trajectory, inserted ones included; inserted
 * tokens have null values).
 */
export interface SampleTrace {
  confidence: ReadonlyArray<number | null>;
  entropy: ReadonlyArray<number | null>;
  spans: ReadonlyArray<{ phase: TracePhase; inserted: boolean; start: number; end: number }>;
  /** Token index of the first token after the window cut; null when nothing was cut. */
  cutIndex: number | null;
  probes: ReadonlyArray<{ atIndex: number; tokens: number; score: number; exited: boolean }>;
}

/** Shading of each phase (Okabe–Ito, as the trajectory text colours them). */
export const PHASE_COLOURS: Record<TracePhase, string> = {
  thinking: '#56B4E9',
  hint: '#D55E00',
  answer: '#009E73',
  wait: '#CC79A7',
  cue: '#E69F00',
};
const SHADE_OPACITY = 0.18;

type Shape = NonNullable<PlotlyLayout['shapes']>[number];

/** Consecutive spans of one phase as one stretch [start, end). */
export function phaseStretches(spans: SampleTrace['spans']): Array<{ phase: TracePhase; start: number; end: number }> {
  const stretches: Array<{ phase: TracePhase; start: number; end: number }> = [];
  for (const span of spans) {
    if (span.end <= span.start) continue;
    const last = stretches.at(-1);
    if (last && last.phase === span.phase && last.end === span.start) last.end = span.end;
    else stretches.push({ phase: span.phase, start: span.start, end: span.end });
  }
  return stretches;
}

/** Where a probe is drawn: the last token with a value before it branched, and that value. */
function lastValueBefore(values: ReadonlyArray<number | null>, index: number): [number, number] | null {
  for (let i = Math.min(index, values.length) - 1; i >= 0; i--) {
    const value = values[i];
    if (value !== null && value !== undefined) return [i, value];
  }
  return null;
}

function maxOf(values: ReadonlyArray<number | null>): number {
  let max = 0;
  for (const v of values) if (v !== null && v > max) max = v;
  return max;
}

/** A vertical mark at each x across both panels, as one legend entry. */
function marks(name: string, xs: readonly number[], ranges: Array<[number, number]>, dash: string): PlotlyTrace[] {
  return ranges.map(
    ([lo, hi], panel) =>
      ({
        type: 'scatter',
        mode: 'lines',
        name,
        legendgroup: name,
        showlegend: panel === 0,
        xaxis: panel === 0 ? 'x' : 'x2',
        yaxis: panel === 0 ? 'y' : 'y2',
        x: xs.flatMap((x) => [x, x, null]),
        y: xs.flatMap(() => [lo, hi, null]),
        line: { color: MARK_COLOUR, width: 1, dash },
        hoverinfo: 'skip',
      }) as PlotlyTrace,
  );
}

/**
 * One sample's trace: DeepConf token confidence (top panel) and entropy (bottom panel) over the
 * tokens of its trajectory, the phases shaded behind both, the window cut (dashed) and each
 * inserted "Wait" (dotted) as lines across both on the boundary between two tokens, early exit's
 * probes as diamonds on the confidence line at the last token before they branched (filled: the
 * probe that exited). Inserted tokens have no
 * signals: the lines break there. Everything is named in the legend, which sits outside the data.
 */
export function traceFigure(trace: SampleTrace, options: { dark?: boolean } = {}): FigureSpec {
  const tokens = Math.max(trace.confidence.length, trace.entropy.length);
  const stretches = phaseStretches(trace.spans);
  const table = {
    columns: ['token', 'phase', 'confidence', 'entropy'],
    rows: Array.from({ length: tokens }, (_, i) => [
      i,
      stretches.find((s) => i >= s.start && i < s.end)?.phase ?? null,
      trace.confidence[i] ?? null,
      trace.entropy[i] ?? null,
    ]),
  };
  if (tokens === 0) return { data: [], layout: {}, table, empty: 'This sample has no per-token signals.' };
  const ink = options.dark ? '#BBBBBB' : '#333333';
  const ranges: Array<[number, number]> = [
    [0, maxOf(trace.confidence) * 1.05 || 1],
    [0, maxOf(trace.entropy) * 1.05 || 1],
  ];
  const index = Array.from({ length: tokens }, (_, i) => i);
  const data: PlotlyTrace[] = [
    // Legend entries of the shaded phases (shapes have none).
    ...[...new Set(stretches.map((s) => s.phase))].map(
      (phase) =>
        ({
          type: 'scatter',
          mode: 'markers',
          name: phase,
          x: [null],
          y: [null],
          marker: { symbol: 'square', size: 10, color: PHASE_COLOURS[phase], opacity: 0.45 },
          hoverinfo: 'skip',
        }) as PlotlyTrace,
    ),
    {
      type: 'scatter',
      mode: 'lines',
      name: 'confidence',
      // The panels' axis titles name the two lines: the legend keeps to the marks.
      showlegend: false,
      x: index,
      y: [...trace.confidence],
      connectgaps: false,
      line: { color: ink, width: 1 },
      hovertemplate: 'token %{x}: confidence %{y:.3f}<extra></extra>',
    } as PlotlyTrace,
    {
      type: 'scatter',
      mode: 'lines',
      name: 'entropy',
      showlegend: false,
      xaxis: 'x2',
      yaxis: 'y2',
      x: index,
      y: [...trace.entropy],
      connectgaps: false,
      line: { color: ink, width: 1, dash: 'dot' },
      hovertemplate: 'token %{x}: entropy %{y:.3f} nats<extra></extra>',
    } as PlotlyTrace,
  ];
  // The cut and each "Wait" lie between two tokens: on the boundary before the first one after.
  if (trace.cutIndex !== null) data.push(...marks('window cut', [trace.cutIndex - 0.5], ranges, 'dash'));
  const waits = trace.spans.filter((s) => s.phase === 'wait' && s.inserted).map((s) => s.start - 0.5);
  if (waits.length > 0) data.push(...marks('"Wait" inserted', waits, ranges, 'dot'));
  for (const exited of [false, true]) {
    const probes = trace.probes.filter((p) => p.exited === exited);
    if (probes.length === 0) continue;
    const at = probes.map((p) => lastValueBefore(trace.confidence, p.atIndex));
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: exited ? 'probe that exited' : 'probe (discarded)',
      x: at.map((point, i) => point?.[0] ?? probes[i]!.atIndex),
      y: at.map((point) => point?.[1] ?? null),
      customdata: probes.map((p) => [p.score, p.tokens]),
      marker: {
        symbol: exited ? 'diamond' : 'diamond-open',
        size: 8,
        color: PHASE_COLOURS.hint,
        line: { width: 1, color: PHASE_COLOURS.hint },
      },
      cliponaxis: false,
      hovertemplate: `probe after token %{x}: score %{customdata[0]:.3f}, %{customdata[1]} tokens<extra></extra>`,
    } as PlotlyTrace);
  }
  const shapes: Shape[] = stretches.flatMap((s) =>
    ['', '2'].map(
      (axis) =>
        ({
          type: 'rect',
          layer: 'below',
          xref: `x${axis}`,
          yref: `y${axis} domain`,
          x0: s.start - 0.5,
          x1: s.end - 0.5,
          y0: 0,
          y1: 1,
          fillcolor: PHASE_COLOURS[s.phase],
          opacity: SHADE_OPACITY,
          line: { width: 0 },
        }) as Shape,
    ),
  );
  const xRange: [number, number] = [-0.5, tokens - 0.5];
  return {
    data,
    layout: {
      shapes,
      xaxis: { anchor: 'y', matches: 'x2', range: xRange, showticklabels: false },
      xaxis2: { anchor: 'y2', range: xRange, title: { text: 'token (whole trajectory)' } },
      yaxis: { domain: [0.54, 1], range: ranges[0], title: { text: 'confidence' } },
      yaxis2: { domain: [0, 0.46], range: ranges[1], title: { text: 'entropy (nats)' } },
      showlegend: true,
    } as PlotlyLayout,
    // Two panels, each at least as tall as one figure's minimum.
    minPlotHeight: (fontSize) => fontSize * 14,
    table,
  };
}
