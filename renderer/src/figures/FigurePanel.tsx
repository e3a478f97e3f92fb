import { useMemo, type ReactNode } from 'react';
import { ExportMenu } from '../export/ExportMenu';
import { useTheme } from '../theme/theme';
import type { FigureSpec } from './figureData';
import { PlotlyFigure, type PlotlyFigureProps } from './PlotlyFigure';

export interface FigurePanelProps {
  title: string;
  /** Builds the figure for a background: on screen with the theme, for export always light. */
  build(dark: boolean): FigureSpec;
  /** The figure's own options (group by, log-x …), shown above it. */
  controls?: ReactNode;
  /** Shown under the figure, e.g. which thinking count it plots. */
  note?: ReactNode;
  height?: number;
  onPointClick?: PlotlyFigureProps['onPointClick'];
  onDrawn?: PlotlyFigureProps['onDrawn'];
}

/** A titled figure with its options and its export menu. */
export function FigurePanel({ title, build, controls, note, height, onPointClick, onDrawn }: FigurePanelProps) {
  const { theme } = useTheme();
  const figure = useMemo(() => build(theme === 'dark'), [build, theme]);
  return (
    <section className="figure-panel" aria-label={title}>
      <header className="figure-header">
        <h3>{title}</h3>
        {controls && <div className="figure-controls">{controls}</div>}
      </header>
      <PlotlyFigure figure={figure} title={title} height={height} onPointClick={onPointClick} onDrawn={onDrawn} />
      {note && <p className="figure-note">{note}</p>}
      <ExportMenu title={title} build={() => build(false)} />
    </section>
  );
}
