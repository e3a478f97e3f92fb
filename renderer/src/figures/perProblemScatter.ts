import { groupKey, groupSamples, type FigureSample, type FigureSpec, type GroupBy, type PlotlyTrace } from './figureData';
import { colourFor } from './palette';

export interface ScatterOptions {
  groupBy: GroupBy;
  /** y: correctness (0/1, jittered so points do not hide each other) or the problem's difficulty. */
  y: 'correctness' | 'difficulty';
  logX: boolean;
  dark?: boolean;
}

/**
 * One point per sample: thinking tokens against correctness or difficulty. Each point carries
 * [runId, sampleKey] in customdata so a click can open that sample's trajectory.
 */
export function perProblemScatter(samples: readonly FigureSample[], options: ScatterOptions): FigureSpec {
  const data: PlotlyTrace[] = [];
  let index = 0;
  for (const [name, group] of groupSamples(samples, (s) => groupKey(s, options.groupBy))) {
    const colour = colourFor(index++, options.dark);
    data.push({
      // WebGL would be faster for huge runs but needs a GPU context; SVG keeps export exact.
      type: 'scatter',
      mode: 'markers',
      name,
      x: group.map((s) => (options.logX ? Math.max(1, s.thinkingTokens) : s.thinkingTokens)),
      y: group.map((s) => (options.y === 'difficulty' ? (s.difficulty ?? null) : (s.correct ? 1 : 0) + jitter(`${s.runId}/${s.sampleKey}`))),
      customdata: group.map((s) => [s.runId, s.sampleKey, s.problemId, s.correct ? 'correct' : 'wrong']),
      hovertemplate: '%{customdata[2]} (%{customdata[3]})<br>%{x} thinking tokens<extra>%{fullData.name}</extra>',
      marker: {
        color: colour,
        size: 6,
        opacity: 0.8,
        symbol: group.map((s) => (s.correct ? 'circle' : 'x')),
      },
    } as PlotlyTrace);
  }
  return {
    data,
    layout: {
      xaxis: { title: { text: 'thinking tokens' }, type: options.logX ? 'log' : 'linear' },
      yaxis:
        options.y === 'difficulty'
          ? { title: { text: 'difficulty' } }
          : { title: { text: '' }, tickvals: [0, 1], ticktext: ['wrong', 'correct'], range: [-0.5, 1.5] },
      showlegend: index > 1,
      hovermode: 'closest',
    },
    table: {
      columns: ['run', 'sample', 'problem', 'thinking_tokens', 'correct', 'difficulty'],
      rows: samples.map((s) => [s.runId, s.sampleKey, s.problemId, s.thinkingTokens, s.correct ? 1 : 0, s.difficulty ?? null]),
    },
  };
}

/** A deterministic offset in [-0.15, 0.15] from the key, so a figure looks the same every time. */
function jitter(key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  return (((hash >>> 0) % 1000) / 1000 - 0.5) * 0.3;
}
