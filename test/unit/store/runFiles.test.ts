import { appendFile, mkdtemp, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeLine,
  decodeTextLine,
  encodeLine,
  encodeRowLine,
  forEachTextLine,
} from '../../../main/store/checksummedLines';
import { RunFiles, SAMPLES_FILE, TRAJECTORIES_FILE } from '../../../main/store/RunFiles';
import { sample } from './sampleFactory';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'z1wb-runfiles-'));

describe('checksummed lines', () => {
  it('stay JSON objects and detect a flipped digit', () => {
    const line = encodeLine({ key: 'p1#0', phase1Tokens: 12 });
    expect(JSON.parse(line.toString())).toMatchObject({ key: 'p1#0', phase1Tokens: 12, '#': expect.any(String) });
    expect(decodeLine(line, 0, line.length - 1)).toEqual({ value: expect.objectContaining({ phase1Tokens: 12 }) });
    const flipped = Buffer.from(line.toString().replace('12', '13'));
    expect(decodeLine(flipped, 0, flipped.length - 1)).toEqual({ error: expect.stringContaining('checksum mismatch') });
  });

  it('in row form parse as JSON arrays and detect a changed value', () => {
    const line = encodeRowLine([3, 'q04#0', 12, null]).trimEnd();
    expect(JSON.parse(line)).toEqual([3, 'q04#0', 12, null, expect.stringMatching(/^[0-9a-f]{8}$/)]);
    expect(decodeTextLine(line)).toEqual({ value: [3, 'q04#0', 12, null] });
    expect(decodeTextLine(line.replace(',12,', ',13,'))).toEqual({
      error: expect.stringContaining('checksum mismatch'),
    });
  });

  it('report a torn last line separately from damaged lines', () => {
    const text = encodeRowLine([1]) + 'garbage\n' + encodeLine({ b: 2 }).toString() + encodeRowLine([2]).slice(0, 5);
    const values: unknown[] = [];
    const bad: Array<[number, string]> = [];
    const torn = forEachTextLine(
      text,
      (_line, value) => values.push(value),
      (line, error) => bad.push([line, error]),
    );
    expect(values).toEqual([[1], { b: 2 }]);
    expect(bad).toEqual([[2, 'no checksum at the end of the line']]);
    expect(torn).toBe(encodeRowLine([2]).slice(0, 5));
  });
});

describe('RunFiles', () => {
  it('appends samples durably and reads them back, with trajectories read lazily', async () => {
    const dir = await tempDir();
    const { files, issues } = await RunFiles.open(dir);
    expect(issues).toEqual([]);
    await Promise.all([2, 0, 1].map((i) => files.append([sample(i)])));
    expect(files.records().map((r) => r.index)).toEqual([0, 1, 2]);
    await files.close();

    const reopened = await RunFiles.open(dir);
    expect(reopened.issues).toEqual([]);
    expect(reopened.files.records().map((r) => r.key)).toEqual(['p0#0', 'p1#0', 'p2#0']);
    expect(reopened.files.records()[1]).toEqual(sample(1).record);
    expect(await reopened.files.readTrajectory('p2#0')).toEqual(sample(2).trajectory);
    await reopened.files.close();
  });

  it('never stores a sample twice', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await files.append([sample(0), sample(1)]);
    await files.append([sample(1), sample(2)]);
    await files.close();
    const lines = (await readFile(path.join(dir, SAMPLES_FILE), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4); // the header and three samples
  });

  it('keeps a torn tail aside, cuts it off and resumes appending cleanly', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await files.append([sample(0), sample(1)]);
    await files.close();
    const samplesPath = path.join(dir, SAMPLES_FILE);
    await appendFile(samplesPath, '{"key":"p2#0","ind');
    await appendFile(path.join(dir, TRAJECTORIES_FILE), '{"key":"p2#0","te');

    const reopened = await RunFiles.open(dir);
    expect(reopened.issues.map((i) => i.kind)).toEqual(['truncated', 'truncated']);
    const kept = reopened.issues.map((i) => i.keptAs!);
    expect(await readFile(kept[1]!, 'utf8')).toBe('{"key":"p2#0","ind');
    expect(await readFile(kept[0]!, 'utf8')).toBe('{"key":"p2#0","te');
    expect(reopened.files.count).toBe(2);
    await reopened.files.append([sample(2)]);
    await reopened.files.close();
    const again = await RunFiles.open(dir);
    expect(again.issues).toEqual([]);
    expect(again.files.records().map((r) => r.index)).toEqual([0, 1, 2]);
    expect(await again.files.readTrajectory('p2#0')).toEqual(sample(2).trajectory);
    await again.files.close();
  });

  it('keeps a file with a damaged line aside, reports the line and keeps the other samples', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await files.append([sample(0), sample(1), sample(2)]);
    await files.close();
    const samplesPath = path.join(dir, SAMPLES_FILE);
    const original = await readFile(samplesPath, 'utf8');
    const lines = original.split('\n');
    // Line 1 is the header naming the columns; line 3 holds the second sample.
    expect(JSON.parse(lines[0]!)).toMatchObject({
      format: 'z1-samples',
      version: 1,
      columns: expect.arrayContaining(['key', 'phase1Tokens']),
    });
    lines[2] = lines[2]!.replace('"p1",0,1001,11,', '"p1",0,1001,99,');
    await writeFile(samplesPath, lines.join('\n'));

    const reopened = await RunFiles.open(dir);
    expect(reopened.issues).toHaveLength(1);
    expect(reopened.issues[0]).toMatchObject({
      kind: 'corrupt',
      file: samplesPath,
      message: expect.stringContaining('line 3: checksum mismatch'),
    });
    expect(await readFile(reopened.issues[0]!.keptAs!, 'utf8')).toBe(lines.join('\n'));
    expect(reopened.files.records().map((r) => r.key)).toEqual(['p0#0', 'p2#0']);
    expect(reopened.files.has('p1#0')).toBe(false);
    await reopened.files.close();
  });

  it('drops a sample whose trajectory never reached the disk', async () => {
    const dir = await tempDir();
    const { files } = await RunFiles.open(dir);
    await files.append([sample(0), sample(1)]);
    await files.close();
    const trajectories = path.join(dir, TRAJECTORIES_FILE);
    const firstLine = (await readFile(trajectories, 'utf8')).indexOf('\n') + 1;
    await truncate(trajectories, firstLine);
    const reopened = await RunFiles.open(dir);
    expect(reopened.issues.map((i) => i.kind)).toEqual(['missing']);
    expect(reopened.files.records().map((r) => r.key)).toEqual(['p0#0']);
    expect((await stat(trajectories)).size).toBe(firstLine);
    expect((await readdir(dir)).some((f) => f.startsWith(`${SAMPLES_FILE}.corrupt-`))).toBe(true);
    await reopened.files.close();
  });
});
