import type { FigureSpec, PlotlyTrace } from './figureData';
import { lineStyle, seriesStyle } from './seriesStyle';
import type { SampleTrace } from './traceFigure';

/** Bins of the position-normalised mean trace: 5% of a sample's generated tokens each. */
export const MEAN_TRACE_BINS = 20;

/**
 * The mean of one signal over samples, position-normalised (docs/figures.md, "Trace view"): each
 * sample's generated tokens (inserted ones have no value and are skipped) are split into `bins`
 * equal shares of its length, token j of n into bin ⌊j·bins/n⌋; the sample's mean in each bin,
 * then the mean of those over the samples that have tokens in that bin (a sample shorter than
 * `bins` tokens leaves some bins empty). Every sample weighs the same at every position. Null
 * where no sample has a value.
 */
export function meanTraceOf(
  traces: ReadonlyArray<ReadonlyArray<number | null>>,
  bins = MEAN_TRACE_BINS,
): Array<number | null> {
  const sums = new Float64Array(bins);
  const counts = new Uint32Array(bins);
  for (const values of traces) {
    const generated = values.filter((v): v is number => v !== null && !Number.isNaN(v));
    const n = generated.length;
    if (n === 0) continue;
    const binSums = new Float64Array(bins);
    const binCounts = new Uint32Array(bins);
    generated.forEach((v, j) => {
      const bin = Math.floor((j * bins) / n);
      binSums[bin]! += v;
      binCounts[bin]!++;
    });
    for (let b = 0; b < bins; b++) {
      if (binCounts[b] === 0) continue;
      sums[b]! += binSums[b]! / binCounts[b]!;
      counts[b]!++;
    }
  }
  return Array.from(sums, (sum, b) => (counts[b]! > 0 ? sum / counts[b]! : null));
}

export interface GradedTrace {
  correct: boolean;
  trace: Pick<SampleTrace, 'confidence' | 'entropy'>;
}

/**
 * The mean trace of a run's correct and wrong samples: confidence (top) and entropy (bottom)
 * against the position in each sample's generated tokens (0–100%), one line per group with its
 * sample count in the legend.
 */
export function meanTraceFigure(
  samples: readonly GradedTrace[],
  options: { bins?: number; dark?: boolean } = {},
): FigureSpec {
  const bins = options.bins ?? MEAN_TRACE_BINS;
  const x = Array.from({ length: bins }, (_, b) => (b + 0.5) / bins);
  const groups = [true, false].map((correct) => {
    const group = samples.filter((s) => s.correct === correct);
    return {
      name: `${correct ? 'correct' : 'wrong'} (n=${group.length})`,
      n: group.length,
      confidence: meanTraceOf(
        group.map((s) => s.trace.confidence),
        bins,
      ),
      entropy: meanTraceOf(
        group.map((s) => s.trace.entropy),
        bins,
      ),
    };
  });
  const table = {
    columns: ['position', 'correct_confidence', 'wrong_confidence', 'correct_entropy', 'wrong_entropy'],
    rows: x.map((p, b) => [
      p,
      groups[0]!.confidence[b]!,
      groups[1]!.confidence[b]!,
      groups[0]!.entropy[b]!,
      groups[1]!.entropy[b]!,
    ]),
  };
  if (samples.length === 0) return { data: [], layout: {}, table, empty: 'No samples with per-token signals.' };
  const data: PlotlyTrace[] = groups
    .filter((g) => g.n > 0)
    .flatMap((g) => {
      const style = lineStyle(seriesStyle(g.name.startsWith('correct') ? 0 : 1, options.dark));
      return (['confidence', 'entropy'] as const).map(
        (signal, panel) =>
          ({
            type: 'scatter',
            mode: 'lines+markers',
            name: g.name,
            legendgroup: g.name,
            showlegend: panel === 0,
            xaxis: panel === 0 ? 'x' : 'x2',
            yaxis: panel === 0 ? 'y' : 'y2',
            x,
            y: g[signal],
            // A share no sample reached (samples shorter than the bins) is skipped, not a break.
            connectgaps: true,
            ...style,
            marker: { ...style.marker, size: 4 },
            hovertemplate: `${g.name}: ${signal} %{y:.3f} at %{x:.0%}<extra></extra>`,
          }) as PlotlyTrace,
      );
    });
  return {
    data,
    layout: {
      xaxis: { anchor: 'y', matches: 'x2', range: [0, 1], tickvals: [0, 0.25, 0.5, 0.75, 1], showticklabels: false },
      xaxis2: {
        anchor: 'y2',
        range: [0, 1],
        tickformat: '.0%',
        tickvals: [0, 0.25, 0.5, 0.75, 1],
        title: { text: 'position in generated tokens' },
      },
      yaxis: { domain: [0.54, 1], rangemode: 'tozero', title: { text: 'confidence' } },
      yaxis2: { domain: [0, 0.46], rangemode: 'tozero', title: { text: 'entropy (nats)' } },
      showlegend: true,
    } as FigureSpec['layout'],
    minPlotHeight: (fontSize) => fontSize * 14,
    table,
  };
}
