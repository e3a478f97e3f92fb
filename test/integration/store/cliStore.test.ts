import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../../main/store/RunStore';
import { summarizeRun } from '../../../main/store/runSummary';
import { newRun, sample } from '../../unit/store/sampleFactory';
import { runCli as cli } from '../../helpers/runCli';

describe('z1wb import', () => {
  it('prints the row count and the malformed rows by line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-import-'));
    const file = path.join(dir, 'gsm.jsonl');
    await writeFile(
      file,
      [
        '{"question":"a?","answer":"so #### 3"}',
        '{"question":"b?"',
        '{"answer":"#### 4"}',
        '{"question":"c?","answer":"#### 5"}',
      ].join('\n'),
    );
    const out = path.join(dir, 'out.jsonl');
    const result = await cli([
      'import',
      file,
      '--map',
      'problem=question,answer=answer',
      '--answer-after',
      '####',
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      rows: 2,
      skipped: [
        { line: 2, error: expect.stringContaining('invalid JSON') },
        { line: 3, error: 'missing field "question"' },
      ],
    });
    expect(
      (await readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).answer),
    ).toEqual(['3', '5']);
    const csv = path.join(dir, 'set.txt');
    await writeFile(csv, 'problem,answer\nx,1\n');
    expect(JSON.parse((await cli(['import', csv, '--format', 'csv'])).stdout)).toEqual({ rows: 1, skipped: [] });
    expect((await cli(['import', csv])).stderr).toContain('cannot tell the format');
    expect((await cli(['import', csv, '--map', 'question=q'])).code).toBe(2);
  });
});

describe('z1wb runs', () => {
  it('lists, shows, exports and compares stored runs', async () => {
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-runs-'));
    const store = await RunStore.open(storeDir);
    const ids: string[] = [];
    for (const [label, correctEvery] of [
      ['shifted-window W=40', 2],
      ['unbounded (128 tokens)', 3],
    ] as const) {
      const run = await store.createRun(newRun({ label, planned: 6, cacheKey: label }));
      const files = await store.runFiles(run.id);
      await files.append(Array.from({ length: 6 }, (_, i) => sample(i, { correct: i % correctEvery === 0 })));
      await store.updateRun(run.id, { status: 'complete', done: 6, summary: summarizeRun(files.records(), 1) });
      ids.push(run.id);
    }
    await store.close();

    const list = await cli(['runs', 'list', '--store', storeDir, '--json']);
    expect(JSON.parse(list.stdout).map((r: { id: string; samples: number }) => [r.id, r.samples])).toEqual([
      [ids[1], 6],
      [ids[0], 6],
    ]);
    expect((await cli(['runs', 'list', '--store', storeDir])).stdout).toMatch(/ID\s+CELL\s+RUN/);
    const show = JSON.parse((await cli(['runs', 'show', ids[0]!, '--store', storeDir, '--json'])).stdout);
    expect(show.summary.accuracy).toMatchObject({ value: 0.5, successes: 3, trials: 6 });
    const csv = (await cli(['runs', 'export', ids[0]!, '--store', storeDir])).stdout.trim().split('\n');
    expect(csv[0]).toBe(
      'runId,label,key,index,problemId,sampleIndex,seed,phase1Tokens,delimitedThinkingTokens,answerTokens,totalTokens,cut,cutAt,stopReason,extensions,outcome,correct,extracted,answerKey,gold,generateMs,tokensPerSecond,meanLogprob,meanEntropy,meanConfidence,lowestGroupConfidence,bottomGroupConfidence,tailConfidence,discardedTokens,probeCount',
    );
    expect(csv).toHaveLength(7);
    const latex = (await cli(['runs', 'export', ...ids, '--what', 'summary', '--format', 'latex', '--store', storeDir]))
      .stdout;
    expect(latex).toContain('\\begin{tabular}');
    expect(latex).toContain('shifted-window W=40 & shifted-window & 40 & 6 & 50.0 &');
    const markdown = (await cli(['runs', 'export', ids[0]!, '--what', 'summary', '--store', storeDir])).stdout;
    expect(markdown.split('\n')[2]).toMatch(
      /^\| shifted-window W=40 \| shifted-window \| 40 \| 6 \| 50.0 \| 18.8–81.2 \|/,
    );
    const jsonl = path.join(storeDir, 'samples.jsonl.out');
    const written = await cli(['runs', 'export', ids[1]!, '--format', 'jsonl', '--out', jsonl, '--store', storeDir]);
    expect(written.stderr).toContain('wrote');
    expect((await readFile(jsonl, 'utf8')).trim().split('\n')).toHaveLength(6);
    const compared = JSON.parse(
      (await cli(['runs', 'compare', ids[0]!, ids[1]!, '--store', storeDir, '--json'])).stdout,
    );
    // A correct on 0,2,4; B correct on 0,3: A only on 2,4, B only on 3.
    expect(compared.paired).toMatchObject({
      pairs: 6,
      bothCorrect: 1,
      onlyA: 2,
      onlyB: 1,
      neither: 2,
      mcnemar: { exact: true, pValue: 1 },
    });
    expect(compared.disagreements.map((d: { key: string }) => d.key)).toEqual(['p2#0', 'p3#0', 'p4#0']);
    expect((await cli(['runs', 'show', 'nope', '--store', storeDir])).stderr).toContain('no run "nope"');
  });
});
