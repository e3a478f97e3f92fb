import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as cli } from '../../helpers/runCli';
import { REPO_ROOT } from '../../helpers/headlessHost';
import { oracleNotebook } from './cliProcess';

describe('z1wb run with dataset lines it cannot read (real llama.cpp, oracle model)', () => {
  it('names the lines, does not run without --allow-skipped (exit 1), runs the rest with it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-skipped-'));
    const good = (await readFile(path.join(REPO_ROOT, 'experiments/datasets/oracle.jsonl'), 'utf8')).trim().split('\n');
    // Line 3 is not JSON, line 8 has no problem: the 12 problems keep their own lines around them.
    const lines = [
      ...good.slice(0, 2),
      '{"id":"broken", "problem":',
      ...good.slice(2, 6),
      '{"id":"q99","answer":"1"}',
      ...good.slice(6),
    ];
    const dataset = path.join(dir, 'oracle-damaged.jsonl');
    await writeFile(dataset, lines.join('\n') + '\n');
    const notebook = await oracleNotebook(dir, { samples: 1, dataset });
    const store = path.join(dir, 'store');

    const refused = await cli(['run', notebook, '--store', store, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`z1-sweep: 2 line(s) of file ${dataset} could not be read:\n  line 3: `);
    expect(refused.stderr).toContain('  line 8: missing field "problem"');
    const summary = JSON.parse(refused.stdout);
    expect(summary.runs).toEqual([]);
    expect(summary.skipped).toEqual([
      {
        cell: 'z1-sweep',
        dataset: `file ${dataset}`,
        lines: [
          { line: 3, error: expect.stringContaining('invalid JSON') },
          { line: 8, error: 'missing field "problem"' },
        ],
      },
    ]);
    expect(summary.errors).toEqual([
      'z1-sweep: 2 dataset line(s) could not be read (fix them, or pass --allow-skipped to run without them)',
    ]);

    const allowed = await cli(['run', notebook, '--store', store, '--json', '--allow-skipped']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain('  line 8: missing field "problem"');
    const ran = JSON.parse(allowed.stdout);
    expect(ran.skipped[0].lines.map((l: { line: number }) => l.line)).toEqual([3, 8]);
    expect(
      ran.runs.map((r: { window: number; samples: number; status: string }) => [r.window, r.samples, r.status]),
    ).toEqual([
      [8, 12, 'complete'],
      [16, 12, 'complete'],
      [32, 12, 'complete'],
      [64, 12, 'complete'],
      [128, 12, 'complete'],
    ]);
  }, 120_000);
});
