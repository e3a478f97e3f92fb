import { useCallback, useEffect, useState } from 'react';
import type { NotebookCellInput } from '../../../common/notebook/notebookSchema';
import { fileStem } from '../export/saveFile';
import type { FigureSample } from './figureData';
import { FigurePanel } from './FigurePanel';
import { composePanels } from './multiPanel';
import { PLOT_KIND_TITLES, plotFigure } from './plotFigure';

/** A plot cell's settings as the notebook holds them (defaults left out). */
type PlotSettings = Extract<NotebookCellInput, { type: 'plot' }>['plot'];

export interface PanelSource {
  /** The plot cell's id. */
  id: string;
  plot: PlotSettings;
}

export interface PanelData {
  samples: FigureSample[];
  windows: number[];
}

/**
 * A plot cell's `panels`: this cell and the listed plot cells side by side in one figure, each
 * with its kind's default options, lettered (a), (b) … with one shared legend. Shown under the
 * cell and exported as one file (named after the first cell's title or id, "-panels").
 */
export function MultiPanelFigure({
  panels,
  countLabel,
  load,
}: {
  panels: PanelSource[];
  countLabel(plot: PlotSettings): string;
  load(plot: PlotSettings): Promise<PanelData>;
}) {
  const [data, setData] = useState<PanelData[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(panels);
  useEffect(() => {
    let cancelled = false;
    setError(null);
    Promise.all(panels.map((p) => load(p.plot)))
      .then((loaded) => !cancelled && setData(loaded))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
    // `key` stands for the panels' settings.
  }, [key, load]);
  const build = useCallback(
    (dark: boolean) =>
      composePanels(
        panels.map((p, i) => ({
          title: p.plot.title,
          spec: plotFigure(p.plot.kind, data?.[i]?.samples ?? [], {
            windows: data?.[i]?.windows ?? [],
            countLabel: countLabel(p.plot),
            dark,
          }),
        })),
      ),
    [data, key],
  );
  if (error) return <div className="status-line error">{error}</div>;
  if (!data) return <div className="muted">loading the panels…</div>;
  const first = panels[0]!;
  const name = `${fileStem(first.plot.title ?? first.id)}-panels`;
  return (
    <div data-testid={`panels-${first.id}`}>
      <FigurePanel
        title={`Panels ${PLOT_KIND_TITLES[first.plot.kind]}`}
        caption={`${panels.length} panels: ${panels.map((p) => p.plot.title ?? p.id).join(', ')}`}
        fileName={name}
        build={build}
        height={360}
      />
    </div>
  );
}
