import type { FigureSpec, PlotlyLayout } from './figureData';
import { THEME_COLORS, type ResolvedTheme } from '../theme/theme';
import { placeFigure } from './figureLayout';
import { OKABE_ITO, OKABE_ITO_DARK } from './palette';

const SCREEN_FONT = 12;

/**
 * The figure on screen: placed as in a paper export (legend and labels outside the data area;
 * figures/figureLayout.ts) at the element's width, with the theme's colours.
 */
export function screenLayout(
  figure: FigureSpec,
  options: { theme: ResolvedTheme; width: number; height: number; title?: string },
): PlotlyLayout {
  const colours = THEME_COLORS[options.theme];
  const placed = placeFigure(figure, {
    width: options.width,
    height: options.height,
    fontSize: SCREEN_FONT,
    title: options.title,
  });
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
    ...placed.layout,
    height: placed.height,
    autosize: true,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: 'system-ui, sans-serif', size: SCREEN_FONT, color: colours.foreground },
    colorway: options.theme === 'dark' ? OKABE_ITO_DARK : OKABE_ITO,
  };
  for (const [key, value] of Object.entries(placed.layout)) {
    if (/^[xy]axis\d*$/.test(key)) themed[key] = axis(value);
  }
  return themed as PlotlyLayout;
}
