import { labelRows } from './labelRows';
import type { FigureFrame, PlotlyLayout } from './figureData';
import { textWidth } from './textWidth';

type Shape = NonNullable<PlotlyLayout['shapes']>[number];
type Annotation = NonNullable<PlotlyLayout['annotations']>[number];

export const MARK_COLOUR = '#777777';

/** A dashed vertical line at each W across the given panels (axis suffixes '', '2', …). */
export function windowLines(windows: readonly number[], axes: readonly string[]): Shape[] {
  return axes.flatMap((axis) =>
    [...new Set(windows)].map(
      (w) =>
        ({
          type: 'line',
          xref: `x${axis}`,
          yref: `y${axis} domain`,
          x0: w,
          x1: w,
          y0: 0,
          y1: 1,
          line: { dash: 'dash', width: 1, color: MARK_COLOUR },
        }) as Shape,
    ),
  );
}

/**
 * "W=…" labels above the plot area, one per window, centred over its line; labels that would
 * touch go up a row, and labels near an edge shift inward so none is cut off. Returns the
 * annotations and the height they take above the plot.
 */
export function windowLabels(
  windows: readonly number[],
  options: { range: [number, number]; log: boolean; frame: FigureFrame },
): { annotations: Annotation[]; height: number } {
  const unique = [...new Set(windows)].sort((a, b) => a - b);
  const { frame } = options;
  const size = Math.max(6, frame.fontSize - 1);
  const [lo, hi] = options.range;
  const toPx = (w: number) => (((options.log ? Math.log10(Math.max(1e-9, w)) : w) - lo) / (hi - lo)) * frame.plotWidth;
  const items = unique.map((w) => ({ at: toPx(w), width: textWidth(`W=${w}`, size) * 1.1 + 2 }));
  const { labels, rows } = labelRows(items, { length: frame.plotWidth, gap: size * 0.4 });
  const line = size * 1.25;
  const annotations = labels.map(
    (label) =>
      ({
        xref: 'paper',
        x: (label.left + items[label.index]!.width / 2) / frame.plotWidth,
        xanchor: 'center',
        yref: 'paper',
        y: 1,
        yanchor: 'bottom',
        yshift: 2 + label.row * line,
        text: `W=${unique[label.index]}`,
        showarrow: false,
        font: { size, color: MARK_COLOUR },
      }) as Annotation,
  );
  return { annotations, height: unique.length > 0 ? rows * line + 4 : 0 };
}
