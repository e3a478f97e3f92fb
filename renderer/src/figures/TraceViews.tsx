import { useCallback } from 'react';
import { FigurePanel } from './FigurePanel';
import { meanTraceFigure, type GradedTrace } from './meanTrace';
import { traceFigure, type SampleTrace } from './traceFigure';

/** One sample's confidence and entropy over its tokens, with its phases, cut, "Wait"s and probes. */
export function SampleTraceView({ trace, fileName }: { trace: SampleTrace; fileName?: string }) {
  const build = useCallback((dark: boolean) => traceFigure(trace, { dark }), [trace]);
  return (
    <FigurePanel
      title="Token signals"
      fileName={fileName}
      build={build}
      height={360}
      note="DeepConf token confidence (negative mean log-probability of the top-K candidates) and the entropy of the top-K distribution, per token of the whole trajectory; inserted tokens (hint, Wait) have none."
    />
  );
}

/** The mean trace of a run's correct and wrong samples, position-normalised. */
export function MeanTraceView({ samples, fileName }: { samples: readonly GradedTrace[]; fileName?: string }) {
  const build = useCallback((dark: boolean) => meanTraceFigure(samples, { dark }), [samples]);
  return (
    <FigurePanel
      title="Mean trace, correct vs wrong"
      fileName={fileName}
      build={build}
      height={360}
      note="Each sample's generated tokens split into 20 equal shares of its length; the mean per share, then over the samples (each sample weighs the same)."
    />
  );
}
