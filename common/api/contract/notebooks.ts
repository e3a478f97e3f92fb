import { z } from 'zod';
import { method } from '../method';
import { notebookFile } from '../../notebook/notebookSchema';
import { notebookIssue } from '../../notebook/validateNotebook';

/** A notebook as the host read it: the text, and the validated (migrated) notebook when valid. */
export const openedNotebook = z.object({
  path: z.string(),
  text: z.string(),
  /** null when the file has issues; the text is still returned so the user can fix it. */
  notebook: notebookFile.nullable(),
  issues: z.array(notebookIssue),
  /** The format version the file had when it was migrated on open; null when already current. */
  migratedFrom: z.number().int().nullable(),
});
export type OpenedNotebook = z.infer<typeof openedNotebook>;

export const notebookListEntry = z.object({
  path: z.string(),
  title: z.string(),
  /** 'example': shipped in experiments/; 'recent': opened or run from this store. */
  kind: z.enum(['example', 'recent']),
  lastOpened: z.string().nullable(),
});

export const notebookMethods = {
  'notebooks.open': method({
    params: z.object({ path: z.string().min(1) }).strict(),
    result: openedNotebook,
    doc: 'Reads a *.z1.json file, migrates it to the current version and validates it (issues name the cell, the JSON path and the line/column).',
  }),
  'notebooks.validate': method({
    params: z.object({ text: z.string() }).strict(),
    result: z.object({
      notebook: notebookFile.nullable(),
      issues: z.array(notebookIssue),
      migratedFrom: z.number().int().nullable(),
    }),
    doc: 'Validates notebook text without touching disk.',
  }),
  'notebooks.save': method({
    params: z
      .object({
        path: z.string().min(1),
        notebook: z.unknown(),
        /** The text the notebook was opened from, whose layout the save keeps (else the file at `path`). */
        layout: z.string().optional(),
      })
      .strict(),
    result: z.object({ path: z.string(), bytes: z.number().int() }),
    doc: 'Validates and writes a notebook atomically as the user wrote it: defaults stay implicit and the layout of `layout` (or of the file at `path`) is kept, so an unchanged notebook saves byte-identical. Refuses an invalid notebook (invalid-params with the path).',
  }),
  'notebooks.list': method({
    params: z.object({}).strict(),
    result: z.object({ notebooks: z.array(notebookListEntry) }),
    doc: 'The example notebooks shipped with the app and the notebooks recently used with this store.',
  }),
  'notebooks.schema': method({
    params: z.object({}).strict(),
    result: z.object({
      notebook: z.record(z.string(), z.unknown()),
      cells: z.record(z.string(), z.record(z.string(), z.unknown())),
      window: z.record(z.string(), z.unknown()),
    }),
    doc: "JSON Schemas for Monaco: the whole file, each cell type, and a window cell's settings alone.",
  }),
};

export const notebookEvents = {};
