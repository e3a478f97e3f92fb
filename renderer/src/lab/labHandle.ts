import type { FigureSample } from '../figures/figureData';

/** What the lab exposes to tests and the benchmark (only on the #lab page). */
export interface LabHandle {
  setSamples(samples: FigureSample[], windows: number[]): void;
  synthetic(count: number): void;
  /** Streams `tokens` made-up tokens at about `perSecond`; resolves when all were pushed. */
  stream(tokens: number, perSecond: number): Promise<void>;
  /** React commits of the lab since the last call (a streaming view must cause none). */
  takeCommits(): number;
  drawTimes: number[];
  openedSample: { runId: string; sampleKey: string } | null;
}

declare global {
  interface Window {
    z1Lab?: LabHandle;
  }
}
