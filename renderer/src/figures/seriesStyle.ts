import { colourFor } from './palette';

/**
 * How one series is drawn: colour, marker and dash all differ from series to series, so two
 * series that coincide (Z1 and s1 at equal accuracy) or a greyscale print still tell apart.
 * Markers and dashes cycle at different lengths from the colours, so the 9th series does not
 * repeat the 1st in all three.
 */
export interface SeriesStyle {
  colour: string;
  symbol: string;
  dash: string;
}

const SYMBOLS = ['circle', 'square', 'diamond', 'triangle-up', 'x', 'triangle-down', 'cross', 'star'];
const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'];

export function seriesStyle(index: number, dark = false): SeriesStyle {
  return {
    colour: colourFor(index, dark),
    symbol: SYMBOLS[index % SYMBOLS.length]!,
    dash: DASHES[index % DASHES.length]!,
  };
}

/** Marker and line of a line-and-points trace in a series' style. */
export function lineStyle(style: SeriesStyle, width = 1.5) {
  return {
    marker: { color: style.colour, size: 6, symbol: style.symbol, line: { width: 0 } },
    line: { color: style.colour, width, dash: style.dash },
  };
}
