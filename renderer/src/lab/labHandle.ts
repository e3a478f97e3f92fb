import type { FigureKind } from '../figures/figureCatalog';
import type { FigureSample } from '../figures/figureData';
import type { GradedTrace } from '../figures/meanTrace';
import type { SampleTrace } from '../figures/traceFigure';

/** What the lab exposes to tests and the benchmark (only on the #lab page). */
export interface LabHandle {
  setSamples(samples: FigureSample[], windows: number[]): void;
  synthetic(count: number): void;
  /** Streams `tokens` made-up tokens at about `perSecond`; resolves when all were pushed. */
  stream(tokens: number, perSecond: number): Promise<void>;
  /** React commits of the lab since the last call (a streaming view must cause none). */
  takeCommits(): number;
  drawTimes: number[];
  /**
   * Exports a figure kind of the current samples as a paper file would be made: SVG text, or a
   * PDF as base64. With a title, the title is drawn into the file.
   */
  exportFigure(request: {
    /** A figure kind of the samples, or a trace view of what `showTraces` was given. */
    kind: FigureKind | 'token-signals' | 'mean-trace';
    preset: string;
    format: 'svg' | 'pdf';
    title?: string;
    font?: 'sans' | 'serif';
  }): Promise<string>;
  openedSample: { runId: string; sampleKey: string } | null;
  /** Shows a sample's token signals and a mean trace of graded samples (the trace views). */
  showTraces(trace: SampleTrace, graded: GradedTrace[]): void;
}

declare global {
  interface Window {
    z1Lab?: LabHandle;
  }
}
