import { growsGeometrically, windowAxis } from './axisTicks';
import { emptyFigure, type FigureSample, type FigureSpec, type GroupBy, type PlotlyTrace } from './figureData';
import { escapeHover } from './hoverText';
import { summarize } from './runSummary';
import { lineStyle, seriesStyle } from './seriesStyle';

export interface CurveOptions {
  seriesBy: Exclude<GroupBy, 'window'>;
  /** Log2 window axis; left out, log when the windows grow geometrically (a doubling sweep). */
  logX?: boolean;
  dark?: boolean;
}

const TABLE_COLUMNS = ['series', 'window', 'n', 'correct', 'accuracy', 'ci_low', 'ci_high', 'mean_thinking_tokens'];

/** Why the curve is not drawn for runs without a window. */
export const NO_WINDOW_NOTE =
  'These runs have no thinking window (unbounded only), so there is no accuracy-against-W curve to draw. Add runs with a window, or plot "accuracy-by-run".';

/**
 * The test-time-scaling curve: accuracy against the window W, one line per series with its own
 * colour, marker and dash (Z1 and s1 at equal accuracy stay two lines), with 95% Wilson
 * intervals as bars. Unbounded runs (no W) are a dotted horizontal reference named in the legend.
 */
export function scalingCurve(samples: readonly FigureSample[], options: CurveOptions): FigureSpec {
  const rows = summarize(samples, options.seriesBy);
  const table = {
    columns: TABLE_COLUMNS,
    rows: rows.map((r) => [r.series, r.window, r.n, r.correct, r.accuracy, r.low, r.high, r.meanThinking]),
  };
  const windows = [...new Set(rows.map((r) => r.window).filter((w): w is number => w !== null))].sort((a, b) => a - b);
  if (windows.length === 0) return emptyFigure(NO_WINDOW_NOTE, table);
  const xaxis = windowAxis(windows, {
    log: options.logX ?? growsGeometrically(windows),
    title: 'thinking window W (tokens)',
  });
  const [lo, hi] = xaxis.range as [number, number];
  const ends = xaxis.type === 'log' ? [10 ** lo, 10 ** hi] : [lo, hi];
  const series = [...new Set(rows.map((r) => r.series))];
  const data: PlotlyTrace[] = [];
  series.forEach((name, index) => {
    const style = seriesStyle(index, options.dark);
    const points = rows.filter((r) => r.series === name && r.window !== null);
    if (points.length > 0) {
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name,
        x: points.map((r) => r.window),
        y: points.map((r) => r.accuracy),
        error_y: {
          type: 'data',
          symmetric: false,
          array: points.map((r) => r.high - r.accuracy),
          arrayminus: points.map((r) => r.accuracy - r.low),
          thickness: 1,
          width: 3,
          color: style.colour,
        },
        customdata: points.map((r) => [r.correct, r.n, r.low, r.high]),
        hovertemplate: `${escapeHover(name)}<br>W=%{x}: %{y:.1%} (%{customdata[0]}/%{customdata[1]})<br>95% CI %{customdata[2]:.1%}–%{customdata[3]:.1%}<extra></extra>`,
        ...lineStyle(style),
      } as PlotlyTrace);
    }
    for (const r of rows.filter((row) => row.series === name && row.window === null)) {
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `${name}, no window`,
        x: ends,
        y: [r.accuracy, r.accuracy],
        line: { color: style.colour, dash: 'dot', width: 1 },
        hovertemplate: `${escapeHover(name)}, no window: %{y:.1%} (${r.correct}/${r.n})<extra></extra>`,
      } as PlotlyTrace);
    }
  });
  return {
    data,
    layout: {
      xaxis,
      yaxis: { title: { text: 'accuracy' }, tickformat: '.0%', range: [0, 1.05], tickvals: [0, 0.25, 0.5, 0.75, 1] },
      showlegend: data.length > 1,
    },
    table,
  };
}
