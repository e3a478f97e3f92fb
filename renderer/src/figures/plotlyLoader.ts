export type PlotlyModule = typeof import('plotly.js-dist-min').default;

let loading: Promise<PlotlyModule> | null = null;

/** Plotly is ~4.7 MB: a chunk of its own, fetched the first time a figure is shown or exported. */
export function loadPlotly(): Promise<PlotlyModule> {
  loading ??= import('plotly.js-dist-min').then((module) => (module.default ?? module) as PlotlyModule);
  return loading;
}
