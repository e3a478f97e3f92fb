import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateNotebook } from '../../../common/notebook/notebookMigrations';
import { cellJsonSchema, notebookJsonSchema, windowCellJsonSchema } from '../../../common/notebook/notebookJsonSchema';
import { resolveRunInputs, validateNotebook, validateNotebookText } from '../../../common/notebook/validateNotebook';
import { formatNotebookText } from '../../../common/notebook/notebookText';
import { expandWindowCell } from '../../../common/settings/windowCell';
import { saveNotebookFile, openNotebookFile } from '../../../main/notebook/notebookFiles';

function notebook(cells: unknown[]): Record<string, unknown> {
  return { format: 'z1-notebook', version: 1, metadata: { title: 'T' }, cells };
}

const baseCells = [
  { type: 'markdown', id: 'intro', source: ['# Title', 'text'] },
  { type: 'model', id: 'm', model: { source: 'fixture:oracle', threads: 1 } },
  { type: 'dataset', id: 'd', dataset: { from: 'file', path: 'datasets/oracle.jsonl' }, grader: { grader: 'math' } },
  { type: 'prompt', id: 'p', prompt: { template: '{{problem}}' } },
  { type: 'window', id: 'w', window: { strategy: 'shifted-window', window: [16, 32] } },
  { type: 'run', id: 'r' },
  { type: 'plot', id: 'fig', plot: { kind: 'accuracy-vs-window', runs: ['r'] } },
];

describe('notebook format', () => {
  it('accepts a valid notebook, applying defaults, and resolves a run cell to the nearest cells above', () => {
    const result = validateNotebook(notebook(baseCells));
    expect(result.issues).toEqual([]);
    const nb = result.notebook!;
    const { run, inputs } = resolveRunInputs(nb, 'r');
    expect(run).toMatchObject({ samples: 1, sampling: { temperature: 0, seed: 0 } });
    expect(inputs.model.model).toMatchObject({ source: 'fixture:oracle', contextSize: 8192, threads: 1 });
    expect(
      expandWindowCell(inputs.window.window).map((s) => (s.strategy === 'shifted-window' ? s.window : null)),
    ).toEqual([16, 32]);
  });

  it('names the cell and the JSON path of each problem, with line and column from the text', () => {
    const cells = structuredClone(baseCells) as Array<Record<string, unknown>>;
    cells[4] = {
      type: 'window',
      id: 'w',
      window: [
        { strategy: 'shifted-window', window: 16 },
        { strategy: 'shifted-window', window: 'big' },
      ],
    };
    cells[2] = { type: 'dataset', id: 'd', dataset: { from: 'file' }, grader: { grader: 'math' } };
    const text = JSON.stringify(notebook(cells), null, 2);
    const result = validateNotebookText(text);
    expect(result.notebook).toBeNull();
    const byPath = Object.fromEntries(result.issues.map((i) => [i.path, i]));
    expect(byPath['cells[4].window[1].window']).toMatchObject({
      cellIndex: 4,
      cellId: 'w',
      message: expect.stringContaining('cells[4].window[1].window: expected a whole number'),
    });
    expect(byPath['cells[2].dataset.path']).toMatchObject({ cellIndex: 2, cellId: 'd' });
    const lines = text.split('\n');
    const at = byPath['cells[4].window[1].window']!;
    expect(lines[at.line! - 1]!.slice(at.column! - 1)).toBe('"big"');
    // A missing field points at the object that should hold it.
    const missing = byPath['cells[2].dataset.path']!;
    expect(lines[missing.line! - 1]!.slice(missing.column! - 1)).toBe('{');
  });

  it('reports JSON syntax errors with their line and column', () => {
    const result = validateNotebookText('{\n  "format": "z1-notebook",\n  "cells": [,]\n}');
    expect(result.issues).toEqual([
      expect.objectContaining({ path: '', line: 3, message: expect.stringContaining('invalid JSON') }),
    ]);
  });

  it('checks references between cells and unique ids', () => {
    const cells = [
      ...baseCells.slice(0, 5),
      { type: 'run', id: 'r', model: 'nope', window: 'p' },
      { type: 'run', id: 'r2', dataset: 'd' },
      { type: 'markdown', id: 'r2', source: '' },
      { type: 'plot', id: 'fig', plot: { kind: 'thinking-histogram', runs: ['intro', 'ghost'] } },
    ];
    const messages = validateNotebook(notebook(cells)).issues.map((i) => i.message);
    expect(messages).toEqual([
      'cells[7].id: "r2" is already the id of cells[6]',
      'cells[5].model: cell "nope" does not exist',
      'cells[5].window: cell "p" is a prompt cell, not a window cell',
      'cells[8].plot.runs[0]: cell "intro" is a markdown cell, not a run cell',
      'cells[8].plot.runs[1]: cell "ghost" does not exist',
    ]);
    const early = validateNotebook(notebook([{ type: 'run', id: 'r' }, ...baseCells.slice(1, 5)])).issues.map(
      (i) => i.message,
    );
    expect(early).toContain('cells[0]: no model cell above run cell "r"');
  });

  it('rejects unknown cell types, unknown fields and foreign or newer files', () => {
    expect(validateNotebook(notebook([{ type: 'code', id: 'x' }])).issues[0]!.message).toContain(
      'cells[0].type: expected one of markdown, model',
    );
    expect(validateNotebook(notebook([{ type: 'markdown', id: 'x', source: '', colour: 1 }])).issues[0]!.path).toBe(
      'cells[0]',
    );
    expect(validateNotebook({ format: 'jupyter', version: 1, cells: [] }).issues[0]!.message).toContain(
      'not a Z1 notebook',
    );
    expect(validateNotebook({ format: 'z1-notebook', version: 9, cells: [] }).issues[0]!.message).toContain(
      'written by a newer Z1 Workbench',
    );
  });

  it('migrates older versions forward, step by step', () => {
    const migrations = {
      1: (nb: Record<string, unknown>) => ({
        ...nb,
        cells: (nb.cells as Array<Record<string, unknown>>).map((c) => ({ ...c, kind: undefined, type: c.kind })),
      }),
      2: (nb: Record<string, unknown>) => ({ ...nb, metadata: { title: 'migrated' } }),
    };
    const result = migrateNotebook(
      { format: 'z1-notebook', version: 1, cells: [{ kind: 'markdown' }] },
      { migrations, currentVersion: 3 },
    );
    expect(result).toEqual({
      notebook: {
        format: 'z1-notebook',
        version: 3,
        metadata: { title: 'migrated' },
        cells: [{ kind: undefined, type: 'markdown' }],
      },
      migratedFrom: 1,
    });
    expect(() =>
      migrateNotebook({ format: 'z1-notebook', version: 1, cells: [] }, { migrations: {}, currentVersion: 2 }),
    ).toThrow('no migration from version 1 to 2');
  });

  it('saves in a stable, diff-friendly layout and refuses an invalid notebook', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-nb-'));
    const file = path.join(dir, 'a.z1.json');
    await saveNotebookFile(file, notebook(baseCells));
    const first = await readFile(file, 'utf8');
    const opened = await openNotebookFile(file);
    expect(opened.issues).toEqual([]);
    await saveNotebookFile(file, JSON.parse(opened.text));
    expect(await readFile(file, 'utf8')).toBe(first);
    expect(first).toBe(formatNotebookText(notebook(baseCells)));
    expect(first.endsWith('}\n')).toBe(true);
    await expect(
      saveNotebookFile(file, notebook([{ type: 'window', id: 'w', window: { strategy: 'hard-cut' } }])),
    ).rejects.toThrow('cells[0].window.window');
    expect(await readFile(file, 'utf8')).toBe(first);
  });

  it("gives JSON Schemas for the file, each cell and a window cell's settings", () => {
    const window = windowCellJsonSchema();
    expect(JSON.stringify(window)).toContain('shifted-window');
    expect(JSON.stringify(window)).toContain('I overthought it');
    expect((cellJsonSchema('run') as { properties: Record<string, unknown> }).properties).toHaveProperty('samples');
    expect(notebookJsonSchema()).toHaveProperty('properties.cells');
  });
});
