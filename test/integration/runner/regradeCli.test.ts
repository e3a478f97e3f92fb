import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as cli } from '../../helpers/runCli';

interface RegradedJson {
  state: string;
  runs: Array<{
    id: string;
    origin: string;
    status: string;
    samples: number;
    regradeOf: string | null;
    accuracy: { value: number };
  }>;
}

describe('z1wb runs regrade (real llama.cpp for the first run; regrading runs no model)', () => {
  it('grades a stored run again into a new run beside it, then reuses that grading', async () => {
    const store = await mkdtemp(path.join(os.tmpdir(), 'z1wb-regrade-cli-'));
    const first = await cli([
      'run',
      'experiments/oracle-sweep.z1.json',
      '--cell',
      'baseline',
      '--store',
      store,
      '--json',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const baseline = (JSON.parse(first.stdout) as { runs: Array<{ id: string; accuracy: { value: number } }> })
      .runs[0]!;
    expect(baseline.accuracy.value).toBe(1);

    // A pattern no response matches: every sample becomes unparsed, so the new grading reads 0.
    const settings = JSON.stringify({ grader: 'regex', pattern: 'NO SUCH ANSWER' });
    const regraded = await cli(['runs', 'regrade', baseline.id, '--settings', settings, '--store', store, '--json']);
    expect(regraded.code, regraded.stderr).toBe(0);
    const result = JSON.parse(regraded.stdout) as RegradedJson;
    expect(result.state).toBe('complete');
    expect(result.runs).toMatchObject([
      { origin: 'regraded', status: 'complete', samples: 12, regradeOf: baseline.id, accuracy: { value: 0 } },
    ]);
    expect(result.runs[0]!.id).not.toBe(baseline.id);

    const again = JSON.parse(
      (await cli(['runs', 'regrade', baseline.id, '--settings', settings, '--store', store])).stdout,
    );
    expect(again.runs).toMatchObject([{ id: result.runs[0]!.id, origin: 'cached' }]);

    const listed = JSON.parse((await cli(['runs', 'list', '--store', store, '--json'])).stdout) as Array<{
      id: string;
    }>;
    expect(listed.map((r) => r.id).sort()).toEqual([baseline.id, result.runs[0]!.id].sort());
    const compared = JSON.parse(
      (await cli(['runs', 'compare', baseline.id, result.runs[0]!.id, '--store', store, '--json'])).stdout,
    );
    expect(compared.disagreements).toHaveLength(12);

    const bad = await cli(['runs', 'regrade', baseline.id, '--settings', '{"grader":"regex"}', '--store', store]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--settings.pattern');
  });
});
