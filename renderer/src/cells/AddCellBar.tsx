import { cellTypes, type CellType } from '../../../common/notebook/notebookSchema';

/** Buttons that insert a new cell of each type at a position. */
export function AddCellBar({ onAdd, position }: { onAdd(type: CellType): void; position: number }) {
  return (
    <div className="add-cell" role="group" aria-label={`Add a cell at position ${position + 1}`}>
      {cellTypes.map((type) => (
        <button
          key={type}
          type="button"
          onClick={() => onAdd(type)}
          data-testid={position === 0 ? `add-${type}-top` : undefined}
        >
          + {type}
        </button>
      ))}
    </div>
  );
}
