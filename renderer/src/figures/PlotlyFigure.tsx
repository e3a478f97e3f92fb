import { useEffect, useRef, useState, type RefObject } from 'react';
import type { PlotMouseEvent, PlotlyHTMLElement } from 'plotly.js-dist-min';
import { useTheme } from '../theme/theme';
import type { FigureSpec } from './figureData';
import { loadPlotly } from './plotlyLoader';
import { screenLayout } from './screenLayout';

export interface PlotlyFigureProps {
  figure: FigureSpec;
  /** Accessible name of the figure (also its test id suffix). */
  title: string;
  height?: number;
  /** A click on a point: the trace's name and the point's customdata. */
  onPointClick?(point: { traceName: string; customdata: unknown }): void;
  /** Called after each draw with how long Plotly took (the benchmark reads it). */
  onDrawn?(ms: number): void;
}

/**
 * Draws a FigureSpec with Plotly (loaded on first use). Updates go through Plotly.react, which
 * diffs against the previous figure instead of rebuilding the SVG.
 */
export function PlotlyFigure({ figure, title, height = 320, onPointClick, onDrawn }: PlotlyFigureProps) {
  const host = useRef<HTMLDivElement>(null);
  const { theme } = useTheme();
  const width = useElementWidth(host);
  const [state, setState] = useState<'loading' | 'drawn' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);
  const clickRef = useRef(onPointClick);
  clickRef.current = onPointClick;
  const drawnRef = useRef(onDrawn);
  drawnRef.current = onDrawn;

  useEffect(() => {
    let cancelled = false;
    void loadPlotly()
      .then(async (Plotly) => {
        if (cancelled || !host.current || width === 0) return;
        const start = performance.now();
        const layout = screenLayout(figure, { theme, width, height });
        const gd = (await Plotly.react(host.current, figure.data, layout, {
          displaylogo: false,
          modeBarButtonsToRemove: ['toImage', 'lasso2d', 'select2d'],
        })) as PlotlyHTMLElement;
        if (cancelled) return;
        gd.removeAllListeners?.('plotly_click');
        gd.on('plotly_click', (event: PlotMouseEvent) => {
          const point = event.points[0];
          if (point) clickRef.current?.({ traceName: String(point.data.name ?? ''), customdata: point.customdata });
        });
        setState('drawn');
        drawnRef.current?.(performance.now() - start);
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setError(e instanceof Error ? e.message : String(e));
        setState('error');
      });
    return () => {
      cancelled = true;
    };
  }, [figure, theme, height, width]);

  useEffect(() => {
    const node = host.current;
    return () => {
      if (node) void loadPlotly().then((Plotly) => Plotly.purge(node));
    };
  }, []);

  return (
    <figure className="plotly-figure" data-state={state} aria-label={title}>
      <div ref={host} className="plotly-host" style={{ minHeight: height }} data-testid={`figure-${slug(title)}`} />
      {state === 'loading' && <div className="figure-loading">drawing…</div>}
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
    </figure>
  );
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * The element's width, rounded to 8 px so that a resize redraws the figure (its labels are placed
 * for a width) without redrawing on every pixel.
 */
function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    const measure = () => setWidth(Math.round(node.clientWidth / 8) * 8);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
