import { logTicks } from './axisTicks';
import type { FigureSample, FigureSpec, GroupBy, PlotlyTrace } from './figureData';
import { escapeHover } from './hoverText';
import { summarize } from './runSummary';
import { lineStyle, seriesStyle } from './seriesStyle';

/**
 * The paper's efficiency figure (Z1, arXiv 2504.00810, Fig. 1): accuracy against the mean
 * number of thinking tokens on a log axis, one line per series through its windows, each point
 * labelled with its W. Up and to the left is better. Series alternate their labels above and
 * below the points, and a point that coincides with one already labelled gets no second label.
 */
export function efficiencyFigure(
  samples: readonly FigureSample[],
  options: { seriesBy: Exclude<GroupBy, 'window'>; dark?: boolean },
): FigureSpec {
  const rows = summarize(samples, options.seriesBy);
  const series = [...new Set(rows.map((r) => r.series))];
  const labelled: Array<[number, number, string]> = [];
  const data: PlotlyTrace[] = series.map((name, index) => {
    const points = rows.filter((r) => r.series === name);
    const style = seriesStyle(index, options.dark);
    const text = points.map((r) => {
      const label = r.window === null ? '∞' : String(r.window);
      const x = Math.max(1, r.meanThinking);
      const taken = labelled.some(
        ([lx, ly, l]) => l === label && Math.abs(Math.log10(lx / x)) < 0.02 && Math.abs(ly - r.accuracy) < 0.02,
      );
      if (taken) return '';
      labelled.push([x, r.accuracy, label]);
      return label;
    });
    return {
      type: 'scatter',
      mode: 'lines+markers+text',
      name,
      x: points.map((r) => Math.max(1, r.meanThinking)),
      y: points.map((r) => r.accuracy),
      text,
      textposition: index % 2 === 0 ? 'top center' : 'bottom center',
      textfont: { size: 9, color: style.colour },
      cliponaxis: false,
      customdata: points.map((r) => [r.window ?? 'none', r.n]),
      hovertemplate: `${escapeHover(name)}<br>W=%{customdata[0]}: %{y:.1%} at %{x:.0f} mean thinking tokens (n=%{customdata[1]})<extra></extra>`,
      ...lineStyle(style),
    } as PlotlyTrace;
  });
  const xs = rows.map((r) => Math.max(1, r.meanThinking));
  const lo = Math.min(...xs, 1e9);
  const hi = Math.max(...xs, 1);
  // A fifth of the span (at least a quarter decade) on each side: room for the W labels.
  const pad = Math.max(0.25, Math.log10(hi / lo) * 0.2);
  return {
    data,
    layout: {
      xaxis: {
        title: { text: 'mean thinking tokens' },
        type: 'log',
        range: [Math.log10(lo) - pad, Math.log10(hi) + pad],
        tickmode: 'array',
        ...logTicks(lo / 10 ** pad, hi * 10 ** pad),
      },
      // Room above 100% and below 0% for the W labels, which sit over or under their points.
      yaxis: {
        title: { text: 'accuracy' },
        tickformat: '.0%',
        range: [-0.12, 1.14],
        tickvals: [0, 0.25, 0.5, 0.75, 1],
      },
      showlegend: series.length > 1,
    },
    table: {
      columns: ['series', 'window', 'n', 'accuracy', 'mean_thinking_tokens'],
      rows: rows.map((r) => [r.series, r.window, r.n, r.accuracy, r.meanThinking]),
    },
  };
}
