import { describe, it } from 'vitest';

/** One `describe` per table and one `it` per row, so that a failing row names itself. */
export function describeTables<Row>(
  tables: Record<string, Row[]>,
  title: (row: Row) => string,
  check: (row: Row) => void,
): void {
  for (const [name, rows] of Object.entries(tables)) {
    describe(name, () => {
      for (const row of rows) it(title(row), () => check(row));
    });
  }
}
