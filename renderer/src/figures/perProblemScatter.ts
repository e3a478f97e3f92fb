import {
  groupKey,
  groupSamples,
  type FigureSample,
  type FigureSpec,
  type GroupBy,
  type PlotlyTrace,
} from './figureData';
import { logTicks } from './axisTicks';
import { colourFor } from './palette';
import { mean } from './stats';

export interface ScatterOptions {
  groupBy: GroupBy;
  /** y: the problem's accuracy (jittered on screen so equal points do not hide each other) or its difficulty. */
  y: 'correctness' | 'difficulty';
  logX: boolean;
  dark?: boolean;
}

interface ProblemPoint {
  problemId: string;
  runId: string;
  /** The problem's first sample: what a click opens. */
  sampleKey: string;
  meanThinking: number;
  accuracy: number;
  samples: number;
  difficulty: number | null;
}

/**
 * One point per problem (and group): its mean thinking tokens against its accuracy or
 * difficulty. Per problem rather than per sample keeps a 100k-sample run at a few thousand SVG
 * points. Each point carries [runId, sampleKey] so a click opens that problem's trajectory.
 */
export function perProblemScatter(samples: readonly FigureSample[], options: ScatterOptions): FigureSpec {
  const data: PlotlyTrace[] = [];
  const rows: FigureSpec['table']['rows'] = [];
  let index = 0;
  for (const [name, group] of groupSamples(samples, (s) => groupKey(s, options.groupBy))) {
    const colour = colourFor(index++, options.dark);
    const points: ProblemPoint[] = [];
    for (const [, items] of groupSamples(group, (s) => `${s.runId}/${s.problemId}`)) {
      const first = items[0]!;
      points.push({
        problemId: first.problemId,
        runId: first.runId,
        sampleKey: first.sampleKey,
        meanThinking: mean(items.map((s) => s.thinkingTokens)),
        accuracy: items.filter((s) => s.correct).length / items.length,
        samples: items.length,
        difficulty: first.difficulty ?? null,
      });
    }
    for (const p of points)
      rows.push([name, p.runId, p.problemId, p.samples, p.meanThinking, p.accuracy, p.difficulty]);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name,
      x: points.map((p) => (options.logX ? Math.max(1, p.meanThinking) : p.meanThinking)),
      y: points.map((p) =>
        options.y === 'difficulty' ? p.difficulty : jittered(p.accuracy, `${p.runId}/${p.problemId}`),
      ),
      customdata: points.map((p) => [p.runId, p.sampleKey, p.problemId, p.accuracy, p.samples]),
      hovertemplate:
        '%{customdata[2]}: %{customdata[3]:.0%} of %{customdata[4]} right<br>%{x:.0f} thinking tokens<extra>%{fullData.name}</extra>',
      marker: { color: colour, size: 6, opacity: 0.8, symbol: points.map((p) => (p.accuracy >= 0.5 ? 'circle' : 'x')) },
    } as PlotlyTrace);
  }
  const xs = rows.map((r) => Math.max(1, r[4] as number));
  const minX = Math.min(...xs, 1e9);
  const maxX = Math.max(...xs, 1);
  return {
    data,
    layout: {
      xaxis: {
        title: { text: 'mean thinking tokens of the problem' },
        type: options.logX ? 'log' : 'linear',
        ...(options.logX ? { tickmode: 'array', ...logTicks(minX, maxX) } : {}),
      },
      yaxis:
        options.y === 'difficulty'
          ? { title: { text: 'difficulty' } }
          : { title: { text: 'problem accuracy' }, tickformat: '.0%', range: [-0.06, 1.06], tickvals: [0, 0.5, 1] },
      showlegend: index > 1,
      hovermode: 'closest',
    },
    table: { columns: ['group', 'run', 'problem', 'samples', 'mean_thinking_tokens', 'accuracy', 'difficulty'], rows },
  };
}

/**
 * The accuracy moved by a deterministic offset of up to ±0.05 (from the key, so a figure looks
 * the same every time), towards the inside at 0% and 100%: no point is drawn above 100% or
 * below 0%.
 */
export function jittered(accuracy: number, key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  const offset = (((hash >>> 0) % 1000) / 1000 - 0.5) * 0.1;
  return Math.min(
    1,
    Math.max(0, accuracy + (accuracy <= 0 || accuracy >= 1 ? (accuracy >= 1 ? -1 : 1) * Math.abs(offset) : offset)),
  );
}
