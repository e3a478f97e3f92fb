import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJsonLike } from '../../../common/notebook/jsonLayout';
import { formatNotebookText } from '../../../common/notebook/notebookText';
import { openNotebookFile, saveNotebookFile } from '../../../main/notebook/notebookFiles';
import { changedLines } from '../../helpers/lineDiff';

/** A notebook as a user writes it: cells on one line where they fit, a blank line between groups. */
const WRITTEN = `{
  "format": "z1-notebook",
  "version": 1,
  "metadata": { "title": "Sweep" },
  "cells": [
    { "type": "markdown", "id": "intro", "source": ["# Sweep", "", "Windows \`Q4_K_M\`."] },
    { "type": "model", "id": "oracle", "model": { "source": "fixture:oracle", "threads": 1 } },

    {
      "type": "dataset",
      "id": "problems",
      "dataset": { "from": "file", "path": "datasets/oracle.jsonl" },
      "grader": { "grader": "math" }
    },
    { "type": "prompt", "id": "p", "prompt": { "template": "{{problem}}" } },
    { "type": "window", "id": "w", "window": { "strategy": "shifted-window", "window": [8, 16, 32] } },
    { "type": "run", "id": "sweep" },
    { "type": "plot", "id": "curve", "plot": { "kind": "accuracy-vs-window", "runs": ["sweep"] } }
  ]
}
`;

type Cells = Array<Record<string, unknown>>;

function parsed(): { cells: Cells } & Record<string, unknown> {
  return JSON.parse(WRITTEN) as { cells: Cells } & Record<string, unknown>;
}

describe('saving a notebook as the user wrote it', () => {
  it('writes an unchanged notebook back byte for byte', () => {
    expect(formatNotebookText(parsed(), WRITTEN)).toBe(WRITTEN);
  });

  it('adds a window to a list as a one-line diff', () => {
    const value = parsed();
    (value.cells[4]!.window as { window: number[] }).window.push(64);
    expect(changedLines(WRITTEN, formatNotebookText(value, WRITTEN))).toEqual({
      removed: [
        '    { "type": "window", "id": "w", "window": { "strategy": "shifted-window", "window": [8, 16, 32] } },',
      ],
      added: [
        '    { "type": "window", "id": "w", "window": { "strategy": "shifted-window", "window": [8, 16, 32, 64] } },',
      ],
    });
  });

  it('keeps key order, blank lines and multi-line objects; a changed member changes its own line only', () => {
    const value = parsed();
    (value.cells[2]!.grader as { grader: string }).grader = 'exact';
    expect(changedLines(WRITTEN, formatNotebookText(value, WRITTEN))).toEqual({
      removed: ['      "grader": { "grader": "math" }'],
      added: ['      "grader": { "grader": "exact" }'],
    });
  });

  it('moves a cell with its text, matched by id', () => {
    const value = parsed();
    const [prompt] = value.cells.splice(3, 1);
    value.cells.splice(4, 0, prompt!);
    const text = formatNotebookText(value, WRITTEN);
    expect(changedLines(WRITTEN, text)).toEqual({
      removed: [
        '    { "type": "prompt", "id": "p", "prompt": { "template": "{{problem}}" } },',
        '    { "type": "window", "id": "w", "window": { "strategy": "shifted-window", "window": [8, 16, 32] } },',
      ],
      added: [
        '    { "type": "window", "id": "w", "window": { "strategy": "shifted-window", "window": [8, 16, 32] } },',
        '    { "type": "prompt", "id": "p", "prompt": { "template": "{{problem}}" } },',
      ],
    });
  });

  it('lays out a new cell on one line when it fits 120 columns, else one member per line', () => {
    const value = parsed();
    value.cells.push({ type: 'run', id: 'again', samples: 2 });
    value.cells.push({
      type: 'markdown',
      id: 'long',
      source: ['A line that is long enough to push the cell past the width of one line', 'and a second line'],
    });
    const { removed, added } = changedLines(WRITTEN, formatNotebookText(value, WRITTEN));
    expect(removed).toEqual([
      '    { "type": "plot", "id": "curve", "plot": { "kind": "accuracy-vs-window", "runs": ["sweep"] } }',
    ]);
    expect(added).toEqual([
      '    { "type": "plot", "id": "curve", "plot": { "kind": "accuracy-vs-window", "runs": ["sweep"] } },',
      '    { "type": "run", "id": "again", "samples": 2 },',
      '    {',
      '      "type": "markdown",',
      '      "id": "long",',
      '      "source": ["A line that is long enough to push the cell past the width of one line", "and a second line"]',
      '    }',
    ]);
  });

  it('drops a removed key and its line, and leaves out undefined values', () => {
    const value = parsed();
    delete (value.cells[1]!.model as Record<string, unknown>).threads;
    (value.cells[5] as Record<string, unknown>).title = undefined;
    expect(changedLines(WRITTEN, formatNotebookText(value, WRITTEN))).toEqual({
      removed: ['    { "type": "model", "id": "oracle", "model": { "source": "fixture:oracle", "threads": 1 } },'],
      added: ['    { "type": "model", "id": "oracle", "model": { "source": "fixture:oracle" } },'],
    });
  });

  it('formats a new notebook in 2-space JSON with a final newline', () => {
    expect(formatJsonLike({ a: [1, 2], b: { c: 'x' }, d: {} }, null)).toBe(
      '{ "a": [1, 2], "b": { "c": "x" }, "d": {} }\n',
    );
    expect(formatJsonLike({ a: 'x'.repeat(120), b: [] }, null)).toBe(`{\n  "a": "${'x'.repeat(120)}",\n  "b": []\n}\n`);
    // Strings with brackets and spaces are not touched by the layout.
    expect(formatJsonLike(['[ a ]', '{ b }'], null)).toBe('["[ a ]", "{ b }"]\n');
  });

  it('keeps a file laid out one item per line that way (a new item gets its own line)', () => {
    const written = '{\n    "runs": [\n        "a",\n        "b"\n    ]\n}';
    expect(formatJsonLike({ runs: ['a', 'b', 'c'] }, written)).toBe(
      '{\n    "runs": [\n        "a",\n        "b",\n        "c"\n    ]\n}',
    );
    expect(formatJsonLike({ runs: ['a', 'b'], extra: { deep: [1] } }, written)).toBe(
      '{\n    "runs": [\n        "a",\n        "b"\n    ],\n    "extra": { "deep": [1] }\n}',
    );
  });
});

describe('the hosts save through saveNotebookFile', () => {
  it('keeps defaults implicit: a saved notebook holds what the user wrote, not the schema defaults', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-layout-'));
    const file = path.join(dir, 'a.z1.json');
    await writeFile(file, WRITTEN);
    const opened = await openNotebookFile(file);
    expect(opened.issues).toEqual([]);
    await saveNotebookFile(file, JSON.parse(opened.text));
    expect(await readFile(file, 'utf8')).toBe(WRITTEN);
    // Save as: the layout of the text the client opened is kept in the new file.
    const copy = path.join(dir, 'b.z1.json');
    const value = parsed();
    (value.cells[4]!.window as { window: number[] }).window.push(64);
    await saveNotebookFile(copy, value, { layout: WRITTEN });
    const saved = await readFile(copy, 'utf8');
    expect(changedLines(WRITTEN, saved).added).toEqual([
      '    { "type": "window", "id": "w", "window": { "strategy": "shifted-window", "window": [8, 16, 32, 64] } },',
    ]);
    expect(saved).not.toContain('"samples"');
    expect(saved).not.toContain('"thinkingCount"');
  });
});
