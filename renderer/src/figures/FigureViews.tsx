import { useCallback, useState } from 'react';
import { groupKey, type FigureSample, type GroupBy } from './figureData';
import { efficiencyFigure } from './efficiencyFigure';
import { FigurePanel, type FigurePanelProps } from './FigurePanel';
import { perProblemScatter } from './perProblemScatter';
import { scalingCurve } from './scalingCurve';
import { thinkingHistogram, type HistogramScale } from './thinkingHistogram';

type SeriesBy = Exclude<GroupBy, 'window'>;

interface ViewProps {
  samples: readonly FigureSample[];
  /** The user's title (a plot cell's), shown and used in exported files' names. */
  caption?: string;
  fileName?: string;
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
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as T)}>
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

export function ThinkingHistogramView({
  samples,
  countLabel,
  windows,
  onDrawn,
  caption,
  fileName,
}: ViewProps & { windows: number[] }) {
  const [groupBy, setGroupBy] = useState<GroupBy>('window');
  const [mode, setMode] = useState<'facets' | 'steps'>('facets');
  const [scale, setScale] = useState<HistogramScale>('count');
  const [logX, setLogX] = useState(false);
  const [binWidth, setBinWidth] = useState<number | null>(null);
  const build = useCallback(
    (dark: boolean) =>
      thinkingHistogram(samples, {
        groupBy,
        mode,
        scale,
        logX,
        windows,
        countLabel,
        dark,
        binWidth: binWidth ?? undefined,
      }),
    [samples, groupBy, mode, scale, logX, windows, countLabel, binWidth],
  );
  const panels = new Set(samples.map((s) => groupKey(s, groupBy))).size;
  return (
    <FigurePanel
      title="Thinking tokens"
      caption={caption}
      fileName={fileName}
      build={build}
      onDrawn={onDrawn}
      height={mode === 'facets' && scale !== 'cdf' ? Math.max(320, 70 * panels + 110) : 320}
      controls={
        <>
          <Select<GroupBy>
            label="split by"
            value={groupBy}
            options={['strategy', 'window', 'model', 'run'] as const}
            onChange={setGroupBy}
          />
          <Select<'facets' | 'steps'>
            label="as"
            value={mode}
            options={['facets', 'steps'] as const}
            onChange={setMode}
          />
          <Select<HistogramScale>
            label="y"
            value={scale}
            options={['count', 'share', 'cdf'] as const}
            onChange={setScale}
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

export function ScalingCurveView({ samples, onDrawn, caption, fileName }: ViewProps) {
  const [seriesBy, setSeriesBy] = useState<SeriesBy>('strategy');
  const [axis, setAxis] = useState<'auto' | 'log2' | 'linear'>('auto');
  const build = useCallback(
    (dark: boolean) => scalingCurve(samples, { seriesBy, logX: axis === 'auto' ? undefined : axis === 'log2', dark }),
    [samples, seriesBy, axis],
  );
  return (
    <FigurePanel
      title="Accuracy vs window"
      caption={caption}
      fileName={fileName}
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
          <Select<'auto' | 'log2' | 'linear'>
            label="W axis"
            value={axis}
            options={['auto', 'log2', 'linear'] as const}
            onChange={setAxis}
          />
        </>
      }
      note="Bars: 95% Wilson intervals over samples. W axis auto: log2 when the windows grow geometrically."
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
