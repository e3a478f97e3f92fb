import { useEffect, useRef, useState, type ReactNode } from 'react';
import { CodeEditor, type EditorMarker } from '../editor/CodeEditor';
import { settingsModelUri, type SettingsKind } from '../editor/modelUris';

export type SettingsCheck = { ok: true; summary?: ReactNode } | { ok: false; message: string };

export interface JsonSettingsEditorProps {
  cellId: string;
  kind: SettingsKind;
  value: unknown;
  ariaLabel: string;
  /** The same zod schema the engine validates with; its verdict decides whether the cell changes. */
  check(value: unknown): SettingsCheck;
  onValid(value: unknown): void;
  onRun?(): void;
  /** Reports whether the text is currently valid (the cell frame turns red when not). */
  onValidity?(valid: boolean): void;
}

/**
 * A Monaco JSON editor for one setting. Monaco's markers, completion and hover come from the JSON
 * Schema derived from the zod schema; the zod verdict below the editor says what the engine will
 * do with it. Only valid text changes the notebook: invalid text stays in the editor, marked.
 */
export function JsonSettingsEditor({
  cellId,
  kind,
  value,
  ariaLabel,
  check,
  onValid,
  onRun,
  onValidity,
}: JsonSettingsEditorProps) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [markers, setMarkers] = useState<EditorMarker[]>([]);
  const lastValid = useRef(value);
  const verdict = evaluate(text, check);

  // A change from outside (open, undo of the notebook) replaces the text.
  useEffect(() => {
    if (JSON.stringify(value) !== JSON.stringify(lastValid.current)) {
      lastValid.current = value;
      setText(JSON.stringify(value, null, 2));
    }
  }, [value]);

  useEffect(() => onValidity?.(verdict.ok), [verdict.ok, onValidity]);

  function change(next: string) {
    setText(next);
    const result = evaluate(next, check);
    if (result.ok) {
      lastValid.current = result.value;
      onValid(result.value);
    }
  }

  return (
    <div className="json-settings">
      <CodeEditor
        value={text}
        language="json"
        modelUri={settingsModelUri(cellId, kind)}
        ariaLabel={ariaLabel}
        onChange={change}
        onRun={onRun}
        onMarkers={setMarkers}
      />
      <ul className="marker-list" data-testid={`markers-${cellId}`}>
        {markers.map((m, i) => (
          <li key={i} className={`marker-${m.severity}`}>
            {m.line}:{m.column} {m.message}
          </li>
        ))}
      </ul>
      <div className={`status-line ${verdict.ok ? 'ok' : 'error'}`} data-testid={`status-${cellId}`} role="status">
        {verdict.ok ? (verdict.summary ?? 'valid') : verdict.message}
      </div>
    </div>
  );
}

function evaluate(
  text: string,
  check: JsonSettingsEditorProps['check'],
): { ok: true; value: unknown; summary?: ReactNode } | { ok: false; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
  }
  const result = check(parsed);
  return result.ok ? { ok: true, value: parsed, summary: result.summary } : result;
}
