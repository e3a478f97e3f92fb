import { useMemo, type ReactNode } from 'react';
import { ExportMenu } from '../export/ExportMenu';
import { fileStem } from '../export/saveFile';
import { useTheme } from '../theme/theme';
import type { FigureSpec } from './figureData';
import { PlotlyFigure, type PlotlyFigureProps } from './PlotlyFigure';

export interface FigurePanelProps {
  /** The figure kind's name ("Accuracy vs window"): its accessible name and test ids. */
  title: string;
  /** The user's title (a plot cell's `title`): shown instead, used in file names and exports. */
  caption?: string;
  /** The exported files' name without extension; default from the caption or the title. */
  fileName?: string;
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

/** A titled figure with its options and its export menu; or, when the data cannot make it, why. */
export function FigurePanel({
  title,
  caption,
  fileName,
  build,
  controls,
  note,
  height,
  onPointClick,
  onDrawn,
}: FigurePanelProps) {
  const { theme } = useTheme();
  const figure = useMemo(() => build(theme === 'dark'), [build, theme]);
  const shown = caption || title;
  return (
    <section className="figure-panel" aria-label={title}>
      <header className="figure-header">
        <h3>{shown}</h3>
        {controls && <div className="figure-controls">{controls}</div>}
      </header>
      {figure.empty ? (
        <p className="figure-empty muted" role="note" data-testid={`figure-empty-${fileStem(title)}`}>
          {figure.empty}
        </p>
      ) : (
        <>
          <PlotlyFigure figure={figure} title={title} height={height} onPointClick={onPointClick} onDrawn={onDrawn} />
          {note && <p className="figure-note">{note}</p>}
          <ExportMenu
            id={fileStem(title)}
            title={shown}
            fileName={fileName ?? fileStem(shown)}
            build={() => build(false)}
          />
        </>
      )}
    </section>
  );
}
