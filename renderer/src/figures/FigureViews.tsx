import { useCallback, useState } from 'react';
import type { FigureSample, GroupBy } from './figureData';
import { efficiencyFigure } from './efficiencyFigure';
import { FigurePanel, type FigurePanelProps } from './FigurePanel';
import { perProblemScatter } from './perProblemScatter';
import { scalingCurve } from './scalingCurve';
import { thinkingHistogram } from './thinkingHistogram';

type SeriesBy = Exclude<GroupBy, 'window'>;

interface ViewProps {
  samples: readonly FigureSample[];
  /** Which thinking count the samples carry, said on every axis that shows it. */
  countLabel: string;
  onDrawn?: FigurePanelProps['onDrawn'];
}

function Select<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly NoInfer<T>[];
  onChange(value: T): void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function Toggle({ label, checked, onChange }: { label: string; checked: boolean; onChange(value: boolean): void }) {
  return (
    <label>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

export function ThinkingHistogramView({ samples, countLabel, windows, onDrawn }: ViewProps & { windows: number[] }) {
  const [groupBy, setGroupBy] = useState<GroupBy>('window');
  const [mode, setMode] = useState<'overlay' | 'facets'>('overlay');
  const [logX, setLogX] = useState(false);
  const [binWidth, setBinWidth] = useState<number | null>(null);
  const build = useCallback(
    (dark: boolean) =>
      thinkingHistogram(samples, { groupBy, mode, logX, windows, countLabel, dark, binWidth: binWidth ?? undefined }),
    [samples, groupBy, mode, logX, windows, countLabel, binWidth],
  );
  return (
    <FigurePanel
      title="Thinking tokens"
      build={build}
      onDrawn={onDrawn}
      height={mode === 'facets' ? 420 : 320}
      controls={
        <>
          <Select<GroupBy>
            label="split by"
            value={groupBy}
            options={['strategy', 'window', 'model', 'run'] as const}
            onChange={setGroupBy}
          />
          <Select<'overlay' | 'facets'>
            label="as"
            value={mode}
            options={['overlay', 'facets'] as const}
            onChange={setMode}
          />
          <Toggle label="log x" checked={logX} onChange={setLogX} />
          <label>
            bin width
            <input
              type="number"
              min={1}
              placeholder="auto"
              disabled={logX}
              value={binWidth ?? ''}
              onChange={(e) => setBinWidth(e.target.value ? Math.max(1, Math.round(Number(e.target.value))) : null)}
              style={{ width: '5em' }}
            />
          </label>
        </>
      }
      note={`Counts ${countLabel}; dashed lines mark the windows.`}
    />
  );
}

export function ScalingCurveView({ samples, onDrawn }: ViewProps) {
  const [seriesBy, setSeriesBy] = useState<SeriesBy>('strategy');
  const [logX, setLogX] = useState(false);
  const build = useCallback(
    (dark: boolean) => scalingCurve(samples, { seriesBy, logX, dark }),
    [samples, seriesBy, logX],
  );
  return (
    <FigurePanel
      title="Accuracy vs window"
      build={build}
      onDrawn={onDrawn}
      controls={
        <>
          <Select<SeriesBy>
            label="lines by"
            value={seriesBy}
            options={['strategy', 'model', 'run'] as const}
            onChange={setSeriesBy}
          />
          <Toggle label="log x" checked={logX} onChange={setLogX} />
        </>
      }
      note="Bars: 95% Wilson intervals over samples."
    />
  );
}

export function EfficiencyView({ samples, countLabel, onDrawn }: ViewProps) {
  const [seriesBy, setSeriesBy] = useState<SeriesBy>('strategy');
  const build = useCallback((dark: boolean) => efficiencyFigure(samples, { seriesBy, dark }), [samples, seriesBy]);
  return (
    <FigurePanel
      title="Accuracy vs mean thinking tokens"
      build={build}
      onDrawn={onDrawn}
      controls={
        <Select<SeriesBy>
          label="lines by"
          value={seriesBy}
          options={['strategy', 'model', 'run'] as const}
          onChange={setSeriesBy}
        />
      }
      note={`Mean thinking tokens ${countLabel}, log scale; labels are W.`}
    />
  );
}

export function PerProblemScatterView({
  samples,
  onDrawn,
  onOpenSample,
}: ViewProps & { onOpenSample?(runId: string, sampleKey: string): void }) {
  const [groupBy, setGroupBy] = useState<GroupBy>('window');
  const [y, setY] = useState<'correctness' | 'difficulty'>('correctness');
  const [logX, setLogX] = useState(false);
  const build = useCallback(
    (dark: boolean) => perProblemScatter(samples, { groupBy, y, logX, dark }),
    [samples, groupBy, y, logX],
  );
  return (
    <FigurePanel
      title="Per-problem thinking"
      build={build}
      onDrawn={onDrawn}
      onPointClick={({ customdata }) => {
        const [runId, sampleKey] = customdata as [string, string];
        onOpenSample?.(runId, sampleKey);
      }}
      controls={
        <>
          <Select<GroupBy>
            label="colour by"
            value={groupBy}
            options={['strategy', 'window', 'model', 'run'] as const}
            onChange={setGroupBy}
          />
          <Select<'correctness' | 'difficulty'>
            label="y"
            value={y}
            options={['correctness', 'difficulty'] as const}
            onChange={setY}
          />
          <Toggle label="log x" checked={logX} onChange={setLogX} />
        </>
      }
      note="Click a point to open that sample's trajectory."
    />
  );
}
