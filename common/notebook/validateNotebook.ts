import { z } from 'zod';
import { formatPath } from '../api/validate';
import { expandWindowCell, parseWindowCell } from '../settings/windowCell';
import { jsonValueOffsets, locatePath, syntaxErrorPosition } from './jsonPositions';
import { migrateNotebook, NotebookVersionError } from './notebookMigrations';
import {
  cellSchemas,
  cellTypes,
  notebookMetadata,
  type CellType,
  type Notebook,
  type NotebookCell,
  type RunCell,
} from './notebookSchema';

/** One problem found in a notebook: which cell, which JSON path, and (from text) where. */
export const notebookIssue = z.object({
  /** Index of the cell in `cells`, null for problems outside cells (format, version, JSON syntax). */
  cellIndex: z.number().int().nullable(),
  cellId: z.string().nullable(),
  /** JSON path from the file's root, e.g. `cells[3].window[1].window`. */
  path: z.string(),
  message: z.string(),
  /** 1-based position in the file's text, when validating text. */
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
});
export type NotebookIssue = z.infer<typeof notebookIssue>;

export interface NotebookValidation {
  notebook: Notebook | null;
  issues: NotebookIssue[];
  /** The version the file was migrated from, null when it was already current. */
  migratedFrom: number | null;
}

const CELL_TYPES = new Set<string>(cellTypes);

function issue(cellIndex: number | null, cellId: string | null, path: string, message: string): NotebookIssue {
  return { cellIndex, cellId, path, message, line: null, column: null };
}

function zodIssues(error: z.ZodError, root: string, cellIndex: number | null, cellId: string | null): NotebookIssue[] {
  return error.issues.map((i) => {
    const path = formatPath(root, i.path);
    return issue(cellIndex, cellId, path, `${path}: ${i.message}`);
  });
}

/**
 * Validates a parsed notebook: the envelope, each cell against its type's schema (so an error
 * names the cell and the field, not a failed union), and the references between cells. Every
 * problem is reported, not only the first.
 */
export function validateNotebook(value: unknown): NotebookValidation {
  let migrated: { notebook: unknown; migratedFrom: number | null };
  try {
    migrated = migrateNotebook(value);
  } catch (error) {
    if (error instanceof NotebookVersionError) {
      return { notebook: null, issues: [issue(null, null, error.path, error.message)], migratedFrom: null };
    }
    throw error;
  }
  const raw = migrated.notebook as Record<string, unknown>;
  const issues: NotebookIssue[] = [];

  for (const key of Object.keys(raw)) {
    if (!['format', 'version', 'metadata', 'cells'].includes(key))
      issues.push(issue(null, null, key, `${key}: unknown field`));
  }
  const metadata = notebookMetadata.default({ title: 'Untitled' }).safeParse(raw.metadata);
  if (!metadata.success) issues.push(...zodIssues(metadata.error, 'metadata', null, null));
  if (!Array.isArray(raw.cells)) {
    issues.push(issue(null, null, 'cells', 'cells: expected a list of cells'));
    return { notebook: null, issues, migratedFrom: migrated.migratedFrom };
  }

  const cells: NotebookCell[] = [];
  raw.cells.forEach((cell: unknown, index) => {
    const root = `cells[${index}]`;
    const record =
      typeof cell === 'object' && cell !== null && !Array.isArray(cell) ? (cell as Record<string, unknown>) : null;
    const id = typeof record?.id === 'string' ? record.id : null;
    if (!record) return void issues.push(issue(index, null, root, `${root}: expected a cell object`));
    if (typeof record.type !== 'string' || !CELL_TYPES.has(record.type)) {
      return void issues.push(
        issue(
          index,
          id,
          `${root}.type`,
          `${root}.type: expected one of ${cellTypes.join(', ')}, got ${JSON.stringify(record.type)}`,
        ),
      );
    }
    const type = record.type as CellType;
    const parsed = cellSchemas[type].safeParse(record);
    if (parsed.success) return void cells.push(parsed.data as NotebookCell);
    if (type === 'window' && record.window !== undefined) {
      // The window setting is a union; parse it by shape so the error names the field.
      const window = parseWindowCell(record.window);
      const rest = parsed.error.issues.filter((i) => i.path[0] !== 'window');
      if (!window.success) issues.push(...zodIssues(window.error, `${root}.window`, index, id));
      if (rest.length > 0) issues.push(...zodIssues(new z.ZodError(rest), root, index, id));
      if (window.success && rest.length === 0) issues.push(...zodIssues(parsed.error, root, index, id));
      return;
    }
    issues.push(...zodIssues(parsed.error, root, index, id));
  });
  if (issues.length > 0) return { notebook: null, issues, migratedFrom: migrated.migratedFrom };

  const notebook: Notebook = {
    format: 'z1-notebook',
    version: 1,
    metadata: metadata.success ? metadata.data : { title: 'Untitled' },
    cells,
  };
  issues.push(...referenceIssues(notebook));
  return { notebook: issues.length > 0 ? null : notebook, issues, migratedFrom: migrated.migratedFrom };
}

const REFERENCED = ['model', 'dataset', 'prompt', 'window'] as const;
export type RunInputType = (typeof REFERENCED)[number];

/** One input of a run cell: the cell named by id, or the nearest cell of that type above it. */
function findRunInput(notebook: Pick<Notebook, 'cells'>, index: number, type: RunInputType): NotebookCell | string {
  const run = notebook.cells[index] as RunCell;
  const ref = run[type];
  const found = ref
    ? notebook.cells.find((c) => c.id === ref)
    : notebook.cells
        .slice(0, index)
        .reverse()
        .find((c) => c.type === type);
  if (!found) return ref ? `cell "${ref}" does not exist` : `no ${type} cell above run cell "${run.id}"`;
  if (found.type !== type) return `cell "${ref}" is a ${found.type} cell, not a ${type} cell`;
  return found;
}

/** The cells a run cell uses: named by id, or the nearest of each type above it. */
export function resolveRunInputs(
  notebook: Pick<Notebook, 'cells'>,
  runCellId: string,
): { run: RunCell; inputs: { [T in RunInputType]: Extract<NotebookCell, { type: T }> } } {
  const index = notebook.cells.findIndex((c) => c.id === runCellId);
  const run = notebook.cells[index];
  if (!run || run.type !== 'run') throw new Error(`no run cell with id "${runCellId}"`);
  const inputs = {} as Record<RunInputType, NotebookCell>;
  for (const type of REFERENCED) {
    const found = findRunInput(notebook, index, type);
    if (typeof found === 'string') throw new Error(found);
    inputs[type] = found;
  }
  return { run, inputs: inputs as never };
}

function referenceIssues(notebook: Notebook): NotebookIssue[] {
  const issues: NotebookIssue[] = [];
  const seen = new Map<string, number>();
  notebook.cells.forEach((cell, index) => {
    const first = seen.get(cell.id);
    if (first !== undefined) {
      issues.push(
        issue(
          index,
          cell.id,
          `cells[${index}].id`,
          `cells[${index}].id: "${cell.id}" is already the id of cells[${first}]`,
        ),
      );
    } else seen.set(cell.id, index);
  });
  notebook.cells.forEach((cell, index) => {
    const root = `cells[${index}]`;
    if (cell.type === 'run') {
      for (const type of REFERENCED) {
        const found = findRunInput(notebook, index, type);
        if (typeof found !== 'string') continue;
        const path = cell[type] ? `${root}.${type}` : root;
        issues.push(issue(index, cell.id, path, `${path}: ${found}`));
      }
    }
    if (cell.type === 'window') {
      const count = expandWindowCell(cell.window).length;
      if (count > 256)
        issues.push(issue(index, cell.id, `${root}.window`, `${root}.window: expands to ${count} runs (at most 256)`));
    }
    if (cell.type === 'plot') {
      cell.plot.runs.forEach((ref, i) => {
        const target = notebook.cells.find((c) => c.id === ref);
        const path = `${root}.plot.runs[${i}]`;
        if (!target) issues.push(issue(index, cell.id, path, `${path}: cell "${ref}" does not exist`));
        else if (target.type !== 'run')
          issues.push(issue(index, cell.id, path, `${path}: cell "${ref}" is a ${target.type} cell, not a run cell`));
      });
      cell.plot.panels?.forEach((ref, i) => {
        const target = notebook.cells.find((c) => c.id === ref);
        const path = `${root}.plot.panels[${i}]`;
        if (!target) issues.push(issue(index, cell.id, path, `${path}: cell "${ref}" does not exist`));
        else if (target.type !== 'plot')
          issues.push(issue(index, cell.id, path, `${path}: cell "${ref}" is a ${target.type} cell, not a plot cell`));
        else if (ref === cell.id)
          issues.push(issue(index, cell.id, path, `${path}: a plot cell cannot be its own panel`));
      });
    }
  });
  return issues;
}

/** Validates a notebook's text: JSON syntax, then the schema, with a line and column per issue. */
export function validateNotebookText(text: string): NotebookValidation {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = syntaxErrorPosition(text, message);
    return {
      notebook: null,
      issues: [
        {
          cellIndex: null,
          cellId: null,
          path: '',
          message: `invalid JSON: ${message}`,
          line: at.line,
          column: at.column,
        },
      ],
      migratedFrom: null,
    };
  }
  const result = validateNotebook(value);
  if (result.issues.length === 0) return result;
  const offsets = jsonValueOffsets(text);
  return {
    ...result,
    issues: result.issues.map((i) => {
      const at = locatePath(text, offsets, i.path);
      return { ...i, line: at.line, column: at.column };
    }),
  };
}
