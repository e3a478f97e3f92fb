import { useState } from 'react';
import { CodeEditor } from '../editor/CodeEditor';
import { textModelUri } from '../editor/modelUris';
import { MarkdownView } from '../markdown/MarkdownView';
import { joinText } from '../notebook/notebookDocument';
import type { CellProps } from './cellProps';

/** Notes: rendered Markdown; Edit (or double-click) opens Monaco, Shift+Enter renders again. */
export function MarkdownCell({ cell, onChange, runRef }: CellProps<'markdown'>) {
  const [editing, setEditing] = useState(false);
  const source = joinText(cell.source);
  runRef.current = () => setEditing(false);
  if (!editing) {
    return (
      <div onDoubleClick={() => setEditing(true)}>
        <MarkdownView source={source} />
        <button type="button" onClick={() => setEditing(true)}>
          Edit
        </button>
      </div>
    );
  }
  return (
    <CodeEditor
      value={source}
      language="markdown"
      modelUri={textModelUri(cell.id, 'markdown')}
      ariaLabel={`Markdown of cell ${cell.id}`}
      onChange={(text) => onChange({ ...cell, source: text })}
      onRun={() => setEditing(false)}
    />
  );
}
