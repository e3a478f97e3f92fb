import { useCallback, useContext, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { CellType } from '../../../common/notebook/notebookSchema';
import { isCollapsed, setCollapsed, type NotebookCellDraft } from '../notebook/notebookDocument';
import { SessionContext } from '../notebook/NotebookSession';
import type { CellProps } from './cellProps';
import { CellErrorBoundary } from './CellErrorBoundary';
import { DatasetCell } from './DatasetCell';
import { MarkdownCell } from './MarkdownCell';
import { ModelCell } from './ModelCell';
import { PlotCell } from './PlotCell';
import { PromptCell } from './PromptCell';
import { RunCell } from './RunCell';
import { WindowCell } from './WindowCell';

const BODIES: { [T in CellType]: (props: CellProps<T>) => React.ReactNode } = {
  markdown: MarkdownCell,
  model: ModelCell,
  dataset: DatasetCell,
  prompt: PromptCell,
  window: WindowCell,
  run: RunCell,
  plot: PlotCell,
};

/** What ▶ (and Shift+Enter) does in each kind of cell. */
const RUN_LABEL: Record<CellType, string> = {
  markdown: 'Render',
  model: 'Load model',
  dataset: 'Preview dataset',
  prompt: 'Refresh preview',
  window: 'Check',
  run: 'Start run',
  plot: 'Redraw',
};

export interface CellFrameProps {
  cell: NotebookCellDraft;
  index: number;
  cells: readonly NotebookCellDraft[];
  onChange(id: string, cell: NotebookCellDraft): void;
  onMove(id: string, delta: -1 | 1): void;
  onDelete(id: string): void;
  /** The selected cell (clicked or focused last): Run all below starts there. */
  active: boolean;
  /** Run all is at this cell now. */
  running: boolean;
  onActivate(id: string): void;
}

/**
 * A cell's frame: its type and id, collapse, ▶ run, move up/down and delete, all reachable with
 * the keyboard; Shift+Enter anywhere in the cell runs it.
 */
export function CellFrame({
  cell,
  index,
  cells,
  onChange,
  onMove,
  onDelete,
  active,
  running,
  onActivate,
}: CellFrameProps) {
  const runRef = useRef<(() => Promise<void> | void) | null>(null);
  const session = useContext(SessionContext);
  // Run all reaches the body's current action through the session.
  const [valid, setValid] = useState(true);
  const validRef = useRef(valid);
  validRef.current = valid;
  // A cell with invalid settings does not run: its editors hold text the notebook never took, so
  // running would use the last valid settings. Run all stops there.
  const runChecked = useCallback(() => {
    if (!validRef.current) throw new Error(`cell "${cell.id}" has invalid settings`);
    return runRef.current?.();
  }, [cell.id]);
  useEffect(() => session?.registerAction(cell.id, runChecked), [session, cell.id, runChecked]);
  // From a button or Shift+Enter the cell shows its own failure; only Run all needs the rejection.
  const runNow = () =>
    void Promise.resolve()
      .then(runChecked)
      .catch(() => undefined);
  const collapsed = isCollapsed(cell);
  const change = useCallback((next: NotebookCellDraft) => onChange(cell.id, next), [onChange, cell.id]);
  const Body = BODIES[cell.type] as ((props: CellProps) => React.ReactNode) | undefined;

  function keyDown(event: KeyboardEvent) {
    if (event.key === 'Enter' && event.shiftKey && !event.defaultPrevented) {
      event.preventDefault();
      runNow();
    }
  }

  return (
    <section
      className={`cell cell-${cell.type}${collapsed ? ' collapsed' : ''}${valid ? '' : ' invalid'}${active ? ' active' : ''}${running ? ' running' : ''}`}
      aria-label={`${cell.type} cell ${cell.id}`}
      data-testid={`cell-${cell.id}`}
      id={`cell-${cell.id}`}
      tabIndex={-1}
      data-cell-type={cell.type}
      onKeyDown={keyDown}
      onFocusCapture={() => onActivate(cell.id)}
      onMouseDownCapture={() => onActivate(cell.id)}
      aria-current={active ? 'true' : undefined}
    >
      <header className="cell-header">
        <button
          type="button"
          className="collapse-toggle"
          onClick={() => change(setCollapsed(cell, !collapsed))}
          aria-expanded={!collapsed}
          aria-label={collapsed ? 'Expand cell' : 'Collapse cell'}
        >
          {collapsed ? '▸' : '▾'}
        </button>
        <span className="cell-type">{cell.type}</span>
        <span className="cell-id">{cell.id}</span>
        {!valid && <span className="status-line error">has errors</span>}
        <span className="cell-actions">
          <button
            type="button"
            onClick={runNow}
            disabled={!valid}
            title={valid ? `${RUN_LABEL[cell.type]} (Shift+Enter)` : 'Fix the settings marked in red first'}
            aria-label={RUN_LABEL[cell.type]}
          >
            ▶
          </button>
          <button type="button" onClick={() => onMove(cell.id, -1)} disabled={index === 0} aria-label="Move cell up">
            ↑
          </button>
          <button
            type="button"
            onClick={() => onMove(cell.id, 1)}
            disabled={index === cells.length - 1}
            aria-label="Move cell down"
          >
            ↓
          </button>
          <button type="button" onClick={() => onDelete(cell.id)} aria-label="Delete cell">
            ✕
          </button>
        </span>
      </header>
      <div className="cell-body">
        <CellErrorBoundary cell={cell}>
          {Body ? (
            <Body cell={cell} index={index} cells={cells} onChange={change} runRef={runRef} onValidity={setValid} />
          ) : (
            <div className="status-line error">Unknown cell type {JSON.stringify(cell.type)}.</div>
          )}
        </CellErrorBoundary>
      </div>
    </section>
  );
}
