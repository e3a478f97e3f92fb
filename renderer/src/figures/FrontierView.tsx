import { useCallback, useMemo } from 'react';
import { frontierPoints, tokensSavedTable, type TokensSaved } from '../../../common/figures/efficiencyFrontier';
import type { FigureSample } from './figureData';
import { FigurePanel, type FigurePanelProps } from './FigurePanel';
import { frontierFigure, toFrontierSample } from './frontierFigure';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

function Saved({ saved }: { saved: TokensSaved }) {
  if (saved.tokensSaved === null) return <td className="num muted">—</td>;
  return (
    <td className="num" title={`against ${saved.referenceLabel} (${saved.referenceTokens!.toFixed(0)} tokens)`}>
      {saved.tokensSaved.toFixed(0)}
      {saved.share !== null && ` (${percent(saved.share)})`}
    </td>
  );
}

/**
 * The efficiency frontier of a plot cell's runs, and under it the table of tokens saved at equal
 * accuracy against unbounded and maj@k runs (its numbers are also the figure's CSV).
 */
export function FrontierView({
  samples,
  caption,
  fileName,
  onDrawn,
}: {
  samples: readonly FigureSample[];
  caption?: string;
  fileName?: string;
  onDrawn?: FigurePanelProps['onDrawn'];
}) {
  const build = useCallback((dark: boolean) => frontierFigure(samples, { dark }), [samples]);
  const rows = useMemo(() => tokensSavedTable(frontierPoints(samples.map(toFrontierSample))), [samples]);
  return (
    <>
      <FigurePanel
        title="Efficiency frontier"
        caption={caption}
        fileName={fileName}
        build={build}
        onDrawn={onDrawn}
        note="Tokens per problem count everything generated: thinking, inserted text, probes, answers and discarded traces, summed over the problem's samples. Several samples per problem: accuracy of their vote. Rings and the staircase: the Pareto front."
      />
      <table className="data-table" data-testid="tokens-saved" aria-label="Tokens saved at equal accuracy">
        <caption className="muted">
          Tokens saved per problem at equal accuracy: against the cheapest reference run at least as accurate
        </caption>
        <thead>
          <tr>
            <th scope="col">run</th>
            <th scope="col">k</th>
            <th scope="col">accuracy</th>
            <th scope="col">tokens / problem</th>
            <th scope="col">front</th>
            <th scope="col">vs unbounded</th>
            <th scope="col">vs maj@k</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ point, against }) => (
            <tr key={point.runId}>
              <td>{point.runLabel}</td>
              <td className="num">{point.samplesPerProblem}</td>
              <td className="num">{percent(point.accuracy)}</td>
              <td className="num">{point.tokensPerProblem.toFixed(1)}</td>
              <td>{point.onFront ? '●' : ''}</td>
              <Saved saved={against.unbounded} />
              <Saved saved={against['maj@k']} />
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
