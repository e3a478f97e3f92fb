import { useState } from 'react';
import { datasetSource } from '../../../common/notebook/datasetSettings';
import { errorMessage, useClient } from '../api/ClientContext';
import { useSession } from '../notebook/NotebookSession';
import { JsonSettingsEditor, type SettingsCheck } from './JsonSettingsEditor';
import { MathModeToggle, MathText } from '../markdown/MathText';
import type { CellProps } from './cellProps';
import { useReportedValidity } from './useReportedValidity';

function checkDataset(value: unknown): SettingsCheck {
  const parsed = datasetSource.safeParse(value);
  if (parsed.success) return { ok: true };
  const issue = parsed.error.issues[0]!;
  return { ok: false, message: `${issue.path.join('.') || 'dataset'}: ${issue.message}` };
}

const MAPPED = ['problem', 'answer', 'id'] as const;
const INVALID = 'The settings above are invalid: fix them to preview (the preview of the last valid ones is hidden).';
const PREVIEW_ROWS = 8;

/**
 * The problems: a file (JSONL, JSON, CSV, Parquet) with a field mapping, a Hugging Face dataset
 * or a preset. Preview imports it through the host: row count, malformed rows by line, a table.
 */
export function DatasetCell({ cell, onChange, runRef, onValidity }: CellProps<'dataset'>) {
  const client = useClient();
  const session = useSession();
  const loaded = session.dataset(cell.id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Invalid text never reaches the notebook, so a preview now would show the last valid settings.
  const [editorValid, validity] = useReportedValidity(onValidity);

  async function preview() {
    if (!editorValid) return;
    setBusy(true);
    setError(null);
    try {
      const parsed = datasetSource.parse(cell.dataset);
      const result = await client.call('datasets.preview', {
        source: parsed,
        notebookPath: session.current().path,
        limit: 50,
      });
      session.setDataset(cell.id, result);
    } catch (e) {
      session.setDataset(cell.id, null);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  runRef.current = preview;

  const source = cell.dataset;
  const map = source.from === 'preset' ? null : ((source.map ?? {}) as Record<string, unknown>);
  const setMap = (field: string, column: string) => {
    if (source.from === 'preset') return;
    const next = { ...(source.map ?? {}) } as Record<string, string>;
    if (column) next[field] = column;
    else delete next[field];
    onChange({ ...cell, dataset: { ...source, map: next } });
  };

  return (
    <>
      <JsonSettingsEditor
        cellId={cell.id}
        kind="dataset"
        value={cell.dataset}
        ariaLabel={`Dataset source of cell ${cell.id} (JSON)`}
        check={checkDataset}
        onValid={(dataset) => onChange({ ...cell, dataset: dataset as typeof cell.dataset })}
        onRun={() => void preview()}
        onValidity={validity}
      />
      <div className="field-row">
        <button
          type="button"
          className="primary"
          onClick={() => void preview()}
          disabled={busy}
          data-testid={`preview-dataset-${cell.id}`}
        >
          {busy ? 'Importing…' : 'Preview'}
        </button>
        {loaded && map && (
          <>
            {MAPPED.map((field) => (
              <label key={field}>
                {field} ←
                <select value={String(map[field] ?? '')} onChange={(e) => setMap(field, e.target.value)}>
                  <option value="">({field})</option>
                  {loaded.columns.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </>
        )}
      </div>
      {error && (
        <div className="status-line error" role="alert">
          {error}
        </div>
      )}
      {!editorValid && (
        <div className="status-line error" data-testid={`dataset-invalid-${cell.id}`}>
          {INVALID}
        </div>
      )}
      {loaded && editorValid && (
        <div data-testid={`dataset-summary-${cell.id}`}>
          <div className="status-line">
            <strong data-testid={`dataset-rows-${cell.id}`}>{loaded.total} problems</strong>
            {loaded.skipped.length > 0 && (
              <span className="status-line error"> · {loaded.skipped.length} rows skipped</span>
            )}
            <span className="muted"> · columns: {loaded.columns.join(', ')}</span> <MathModeToggle />
          </div>
          {loaded.skipped.length > 0 && (
            <ul className="marker-list">
              {loaded.skipped.slice(0, 20).map((s) => (
                <li key={s.line}>
                  line {s.line}: {s.error}
                </li>
              ))}
            </ul>
          )}
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">id</th>
                  <th scope="col">problem</th>
                  <th scope="col">answer</th>
                </tr>
              </thead>
              <tbody>
                {loaded.rows.slice(0, PREVIEW_ROWS).map((row) => (
                  <tr key={row.id}>
                    <td>{row.id}</td>
                    <td>
                      <MathText text={row.problem.length > 160 ? `${row.problem.slice(0, 160)}…` : row.problem} />
                    </td>
                    <td>
                      {row.answer !== undefined && row.answer !== null ? (
                        <MathText text={row.answer} kind="answer" />
                      ) : row.choices ? (
                        row.choices.join(' | ')
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </>
  );
}
