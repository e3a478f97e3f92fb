import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../main/datasets/loadDataset';
import { mapRecords } from '../../../main/datasets/mapRows';
import { parseCsv } from '../../../main/datasets/parseCsv';
import { DatasetFileError, readDatasetFile, readJson } from '../../../main/datasets/readDatasetFile';

async function fileWith(name: string, content: string | Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-datasets-'));
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

describe('dataset import', () => {
  it('imports JSONL with a field mapping and reports malformed rows by line', async () => {
    const file = await fileWith(
      'set.jsonl',
      [
        '{"question": "1+1?", "answer": 2, "qid": "a"}',
        '{"question": "2+2?", "answer": "4", "qid": "b"',
        '',
        '{"answer": "6", "qid": "c"}',
        '[1, 2]',
        '{"question": "3+3?", "answer": "6", "qid": "a"}',
        '{"question": "4+4?", "answer": "8", "qid": "d"}',
      ].join('\n'),
    );
    const mapped = mapRecords(await readDatasetFile(file), { map: { problem: 'question', id: 'qid' } });
    expect(mapped.rows.map((r) => [r.id, r.problem, r.answer])).toEqual([
      ['a', '1+1?', '2'],
      ['d', '4+4?', '8'],
    ]);
    expect(mapped.skipped).toEqual([
      { line: 2, error: expect.stringContaining('invalid JSON') },
      { line: 4, error: 'missing field "question"' },
      { line: 5, error: 'expected a JSON object' },
      { line: 6, error: 'duplicate id "a" (first on line 1)' },
    ]);
    expect(mapped.rows[0]!.fields).toEqual({ question: '1+1?', answer: 2, qid: 'a' });
  });

  it('imports a JSON array, naming the line each bad record starts on', async () => {
    const records = readJson('[\n  {"problem": "x", "answer": "1"},\n  "oops",\n  {"problem": "y"}\n]');
    const mapped = mapRecords(records, { map: {} });
    expect(mapped.rows.map((r) => [r.id, r.answer])).toEqual([
      ['1', '1'],
      ['3', null],
    ]);
    expect(mapped.skipped).toEqual([{ line: 3, error: 'record 2: expected a JSON object' }]);
    expect(() => readJson('{"problem": ')).toThrow(DatasetFileError);
    expect(readJson('{"data": [{"problem": "z"}]}')).toEqual([{ line: 1, value: { problem: 'z' } }]);
  });

  it('parses RFC 4180 CSV with quoted commas, quotes and line breaks', () => {
    const rows = parseCsv('id,problem\r\n1,"a, ""quoted""\nproblem"\n2,plain\n3,"never closed\n');
    expect(rows).toEqual([
      { line: 1, fields: ['id', 'problem'] },
      { line: 2, fields: ['1', 'a, "quoted"\nproblem'] },
      { line: 4, fields: ['2', 'plain'] },
      { line: 5, fields: ['3', 'never closed\n'], error: 'a quoted field opened on line 5 is never closed' },
    ]);
  });

  it('imports CSV with list columns, and skips rows with the wrong number of fields', async () => {
    const file = await fileWith(
      'set.csv',
      'id,question,options,gold\n1,"Pick, one","[""x"",""y""]",x\n2,short\n3,Q3,"[""p"",""q""]",q\n',
    );
    const mapped = mapRecords(await readDatasetFile(file), {
      map: { problem: 'question', answer: 'gold', choices: 'options' },
    });
    expect(mapped.rows.map((r) => [r.id, r.problem, r.choices, r.answer])).toEqual([
      ['1', 'Pick, one', ['x', 'y'], 'x'],
      ['3', 'Q3', ['p', 'q'], 'q'],
    ]);
    expect(mapped.skipped).toEqual([{ line: 3, error: 'expected 4 fields as in the header, got 2' }]);
  });

  it('imports Parquet', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'task_id', data: ['t1', 't2'], type: 'STRING' },
        { name: 'question', data: ['What?', 'Why?'], type: 'STRING' },
        { name: 'answer', data: ['#### 12', 'so #### 7'], type: 'STRING' },
        { name: 'level', data: [BigInt(3), BigInt(4)], type: 'INT64' },
      ],
    });
    const file = await fileWith('set.parquet', new Uint8Array(buffer));
    const mapped = mapRecords(await readDatasetFile(file), {
      map: { id: 'task_id', problem: 'question' },
      answerAfter: '####',
    });
    expect(mapped.rows.map((r) => [r.id, r.problem, r.answer, r.fields.level])).toEqual([
      ['t1', 'What?', '12', 3],
      ['t2', 'Why?', '7', 4],
    ]);
  });

  it('takes the first of several option columns as the answer (GPQA layout) and fingerprints the rows', async () => {
    const records = [{ line: 1, value: { Q: 'q', right: 'r', wrong1: 'w1', wrong2: 'w2' } }];
    const mapped = mapRecords(records, { map: { problem: 'Q', choices: ['right', 'wrong1', 'wrong2'] } });
    expect(mapped.rows[0]).toMatchObject({ answer: 'r', choices: ['r', 'w1', 'w2'] });
    const again = mapRecords([{ line: 1, value: { wrong2: 'w2', wrong1: 'w1', right: 'r', Q: 'q' } }], {
      map: { problem: 'Q', choices: ['right', 'wrong1', 'wrong2'] },
    });
    expect(again.fingerprint).toBe(mapped.fingerprint); // column order does not matter
    const changed = mapRecords([{ line: 1, value: { Q: 'q!', right: 'r', wrong1: 'w1', wrong2: 'w2' } }], {
      map: { problem: 'Q', choices: ['right', 'wrong1', 'wrong2'] },
    });
    expect(changed.fingerprint).not.toBe(mapped.fingerprint);
  });

  it('loads a file dataset cell relative to the notebook, with a limit', async () => {
    const file = await fileWith(
      'oracle.jsonl',
      '{"id":"q1","problem":"a","answer":"1"}\n{"id":"q2","problem":"b","answer":"2"}\n',
    );
    const dataset = await loadDataset(
      { from: 'file', path: path.basename(file), map: {}, limit: 1 },
      { baseDir: path.dirname(file), storeDir: path.dirname(file) },
    );
    expect(dataset.rows.map((r) => r.id)).toEqual(['q1']);
    expect(dataset.description).toBe('file oracle.jsonl');
    await expect(
      loadDataset({ from: 'file', path: 'nope.jsonl', map: {} }, { baseDir: '/tmp', storeDir: '/tmp' }),
    ).rejects.toThrow('dataset file not found');
  });
});
