import { useEffect, useRef, useState } from 'react';
import { cellTypes, type CellType } from '../../../common/notebook/notebookSchema';

/**
 * One quiet "+" between cells (as Jupyter's), which opens a short menu of cell types; Escape or
 * a click elsewhere closes it. Replaces a row of seven buttons between every pair of cells.
 */
export function InsertCellControl({ onAdd, position }: { onAdd(type: CellType): void; position: number }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  return (
    <div
      ref={box}
      className={`insert-cell${open ? ' open' : ''}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      <button
        type="button"
        className="insert-cell-toggle"
        aria-label={`Insert a cell at position ${position + 1}`}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid={`insert-cell-${position}`}
        onClick={() => setOpen((v) => !v)}
      >
        +
      </button>
      {open && (
        <div className="insert-cell-menu" role="menu" aria-label="Cell type">
          {cellTypes.map((type) => (
            <button
              key={type}
              type="button"
              role="menuitem"
              data-testid={`insert-${type}`}
              onClick={() => {
                setOpen(false);
                onAdd(type);
              }}
            >
              {type}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
