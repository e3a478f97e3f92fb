import type { RunRecord } from '../../../common/api/contract/runs';

/** A run cell's runs, one row each: status, samples done, accuracy and mean thinking tokens. */
export function RunTable({ cellId, runs }: { cellId: string; runs: readonly RunRecord[] }) {
  return (
    <table className="data-table" data-testid={`runs-${cellId}`}>
      <thead>
        <tr>
          <th scope="col">run</th>
          <th scope="col">status</th>
          <th scope="col" className="num">
            done
          </th>
          <th scope="col" className="num">
            accuracy
          </th>
          <th scope="col" className="num">
            mean thinking
          </th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id}>
            <td>{r.label}</td>
            <td>{r.status}</td>
            <td className="num">
              {r.done}/{r.planned}
            </td>
            <td className="num">{r.summary ? `${(r.summary.accuracy.value * 100).toFixed(1)}%` : '—'}</td>
            <td className="num">{r.summary ? r.summary.thinking.phase1.mean.toFixed(1) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
