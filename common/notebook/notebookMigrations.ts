import { NOTEBOOK_FORMAT, NOTEBOOK_VERSION } from './notebookSchema';

/** Rewrites a parsed notebook of version `from` into version `from + 1`. */
export type NotebookMigration = (notebook: Record<string, unknown>) => Record<string, unknown>;

/**
 * One migration per past version, keyed by the version it upgrades from. Version 1 is the first
 * released format, so the table is empty; when version 2 comes, `1: (nb) => …` goes here, and
 * files are upgraded on open (the original is only rewritten when the user saves).
 */
export const NOTEBOOK_MIGRATIONS: Readonly<Record<number, NotebookMigration>> = {};

export class NotebookVersionError extends Error {
  override name = 'NotebookVersionError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * Brings a parsed `*.z1.json` value up to the current version. Returns the value unchanged when it
 * is current; throws a NotebookVersionError for foreign files, newer files and gaps in the table.
 */
export function migrateNotebook(
  value: unknown,
  options: { migrations?: Readonly<Record<number, NotebookMigration>>; currentVersion?: number } = {},
): { notebook: unknown; migratedFrom: number | null } {
  const migrations = options.migrations ?? NOTEBOOK_MIGRATIONS;
  const current = options.currentVersion ?? NOTEBOOK_VERSION;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NotebookVersionError('a notebook is a JSON object with "format", "version" and "cells"', '');
  }
  const record = value as Record<string, unknown>;
  if (record.format !== NOTEBOOK_FORMAT) {
    throw new NotebookVersionError(
      `format: expected "${NOTEBOOK_FORMAT}", got ${JSON.stringify(record.format)}: not a Z1 notebook`,
      'format',
    );
  }
  const version = record.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new NotebookVersionError(`version: expected a whole number ≥ 1, got ${JSON.stringify(version)}`, 'version');
  }
  if (version > current) {
    throw new NotebookVersionError(
      `version: this notebook is format version ${version}, written by a newer Z1 Workbench; this one reads versions up to ${current}`,
      'version',
    );
  }
  let notebook = record;
  for (let v = version; v < current; v++) {
    const step = migrations[v];
    if (!step) throw new NotebookVersionError(`version: no migration from version ${v} to ${v + 1}`, 'version');
    notebook = { ...step(notebook), version: v + 1 };
  }
  return { notebook, migratedFrom: version === current ? null : version };
}
