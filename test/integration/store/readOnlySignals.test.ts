import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHalf, toHalf } from '../../../main/store/float16';
import { RunStore } from '../../../main/store/RunStore';
import { summarizeRun } from '../../../main/store/runSummary';
import { SIGNALS_FILE } from '../../../main/store/signalBlocks';
import { runCli as cli } from '../../helpers/runCli';
import { newRun, sample, signalsOf, writeFirstLayoutFiles } from '../../unit/store/sampleFactory';
import { asReader, snapshot } from './readOnlyHelpers';

/**
 * A store with a run that recorded signals for p0…p4 (not p5), and a run written before signal
 * summaries existed; `readOnly`: made unwritable for everyone (root aside).
 */
async function storeWithSignals(readOnly: boolean): Promise<{ storeDir: string; recorded: string; older: string }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'z1wb-ro-signals-'));
  const storeDir = path.join(parent, 'store');
  const store = await RunStore.open(storeDir);
  const recorded = await store.createRun(newRun({ planned: 6, cacheKey: 'a' }));
  const files = await store.runFiles(recorded.id);
  await files.append(Array.from({ length: 6 }, (_, i) => sample(i, { signals: i < 5 })));
  await store.updateRun(recorded.id, { status: 'complete', done: 6, summary: summarizeRun(files.records(), 1) });
  const older = await store.createRun(newRun({ planned: 3, cacheKey: 'b' }));
  const olderSamples = Array.from({ length: 3 }, (_, i) => sample(i));
  await store.updateRun(older.id, {
    status: 'complete',
    done: 3,
    summary: summarizeRun(
      olderSamples.map((s) => s.record),
      1,
    ),
  });
  await store.close();
  await writeFirstLayoutFiles(store.runDir(older.id), olderSamples);
  if (readOnly) {
    spawnSync('chmod', ['-R', 'a=rX', parent]);
    await chmod(parent, 0o555);
  }
  return { storeDir, recorded: recorded.id, older: older.id };
}

const half = (values: Array<number | null>) => values.map((v) => (v === null ? null : fromHalf(toHalf(v))));

describe('z1wb runs signals', () => {
  it('reads a sample of a read-only store as an unprivileged user, and an older run, changing nothing', async () => {
    const { storeDir, recorded, older } = await storeWithSignals(true);
    const before = await snapshot(storeDir);

    const read = await asReader(['runs', 'signals', recorded, 'p2#0', '--store', storeDir, '--json']);
    expect(read.uid).not.toBe(0);
    expect(read.code, read.stderr).toBe(0);
    const expected = signalsOf(2, 12);
    expect(JSON.parse(read.stdout)).toStrictEqual({
      key: 'p2#0',
      topK: 20,
      tokens: 12,
      logprob: half(expected.logprob),
      entropy: half(expected.entropy),
      confidence: half(expected.confidence),
      spans: [{ phase: 'thinking', inserted: false, start: 0, end: 12 }],
      cutIndex: null,
      probes: [],
    });
    const table = await asReader(['runs', 'signals', recorded, 'p0#0', '--store', storeDir]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n').slice(0, 4)).toEqual([
      'sample p0#0: 10 tokens, signals over the top 20',
      'phases: thinking 0–10',
      'TOKEN  PHASE     LOGPROB  ENTROPY  CONFIDENCE',
      '0      thinking  0.0000   0.0000   2.9961',
    ]);
    const none = await asReader(['runs', 'signals', recorded, 'p5#0', '--store', storeDir]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`run ${recorded}: sample "p5#0" has no per-token signals`);

    // A run stored before summaries: read as it is (nothing can be rewritten), summaries empty.
    const csv = await asReader(['runs', 'export', older, '--store', storeDir]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/,tokensPerSecond,meanLogprob,.*,discardedTokens,probeCount$/);
    expect(lines[1]).toMatch(/,1000,,,,,,,0,0$/);
    expect(await snapshot(storeDir)).toEqual(before);
  }, 60_000);

  it('a damaged block fails with the file and offset; the other samples and the run are untouched', async () => {
    const { storeDir, recorded } = await storeWithSignals(false);
    const signalsPath = path.join(storeDir, 'runs', recorded, SIGNALS_FILE);
    const bytes = await readFile(signalsPath);
    const second = 22 + 6 * 10; // p0's block: 22 bytes of framing and 6 per token
    bytes[second + 30] = bytes[second + 30]! ^ 0x10;
    await writeFile(signalsPath, bytes);
    const copy = `${storeDir}-copy`;
    await cp(storeDir, copy, { recursive: true });

    const damaged = await cli(['runs', 'signals', recorded, 'p1#0', '--store', storeDir]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain(
      `${signalsPath}: the signals of "p1#0" at byte offset ${second} are damaged (checksum mismatch)`,
    );
    const other = await cli(['runs', 'signals', recorded, 'p3#0', '--store', storeDir, '--json']);
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout).confidence).toStrictEqual(half(signalsOf(3, 13).confidence));
    const show = JSON.parse((await cli(['runs', 'show', recorded, '--store', storeDir, '--json'])).stdout);
    expect(show).toMatchObject({ done: 6, status: 'complete', issues: [] });
    // Reading changed no byte of the signals file.
    expect(await readFile(signalsPath)).toEqual(await readFile(path.join(copy, 'runs', recorded, SIGNALS_FILE)));
  }, 60_000);
});
