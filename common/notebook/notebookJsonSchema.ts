import { editorJsonSchema } from '../settings/jsonSchema';
import { windowCellSettings } from '../settings/windowCell';
import { cellSchemas, notebookFile, type CellType } from './notebookSchema';

export type JsonSchema = Record<string, unknown>;

/** JSON Schema of a whole `*.z1.json` file (for editing the file as text). */
export function notebookJsonSchema(): JsonSchema {
  return { ...editorJsonSchema(notebookFile), title: 'Z1 Workbench notebook (*.z1.json)' };
}

/** JSON Schema of one cell type, as the cell's editor shows it (type, id and settings). */
export function cellJsonSchema(type: CellType): JsonSchema {
  return editorJsonSchema(cellSchemas[type]);
}

/**
 * JSON Schema of what a window cell's Monaco editor holds: the `window` value alone (a strategy,
 * a sweep, or a list of them), from the same zod schema that validates it.
 */
export function windowCellJsonSchema(): JsonSchema {
  return editorJsonSchema(windowCellSettings);
}
