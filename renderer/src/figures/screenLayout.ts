import type { PlotlyLayout } from './figureData';
import { THEME_COLORS, type ResolvedTheme } from '../theme/theme';
import { OKABE_ITO, OKABE_ITO_DARK } from './palette';

/** Fills in what every on-screen figure shares (theme colours, fonts, margins) under its own layout. */
export function screenLayout(layout: PlotlyLayout, theme: ResolvedTheme, height: number): PlotlyLayout {
  const colours = THEME_COLORS[theme];
  // An axis without a fixed range autoranges on every update: Plotly.react would otherwise keep
  // the previous range, wrong after a switch between linear and log.
  const axis = (own: unknown) => ({
    gridcolor: colours.grid,
    linecolor: colours.border,
    zerolinecolor: colours.border,
    automargin: true,
    ...((own as { range?: unknown }).range ? {} : { autorange: true }),
    ...(own as object),
  });
  const themed: Record<string, unknown> = {
    ...layout,
    height,
    autosize: true,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: 'system-ui, sans-serif', size: 12, color: colours.foreground },
    colorway: theme === 'dark' ? OKABE_ITO_DARK : OKABE_ITO,
    margin: { l: 56, r: 16, t: 28, b: 48 },
    // Right of the plot: below it the legend would cover the x-axis title.
    legend: { orientation: 'v', x: 1.01, xanchor: 'left', y: 1, ...(layout.legend ?? {}) },
  };
  for (const [key, value] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(key)) themed[key] = axis(value);
  }
  return themed as PlotlyLayout;
}
