import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureFile } from '../../../main/fixtures/fixtureFiles';
import { expectOutcomes } from '../../../main/fixtures/oracleSpec';
import { histogram } from '../../../main/store/statistics';
import { startLlamaServer, type LlamaServer } from '../remote/llamaServer';
import { runCli as cli } from '../../helpers/runCli';

const REPO = path.resolve('.');


let server: LlamaServer;
beforeAll(async () => {
  server = await startLlamaServer({ modelPath: await ensureFixtureFile('oracle'), parallel: 4 });
}, 900_000);
afterAll(async () => {
  await server?.kill();
});

describe('the oracle notebook on an OpenAI-compatible server (real llama-server)', () => {
  it('gives the same exact accuracies and histograms as the local backend, and records the server', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-remote-notebook-'));
    const notebook = JSON.parse(await readFile(path.join(REPO, 'experiments/oracle-sweep.z1.json'), 'utf8'));
    const modelCell = notebook.cells.find((c: { type: string }) => c.type === 'model');
    modelCell.model = { source: `openai:${server.baseUrl}` };
    notebook.cells.find((c: { type: string }) => c.type === 'dataset').dataset.path = path.join(
      REPO,
      'experiments/datasets/oracle.jsonl',
    );
    const file = path.join(dir, 'remote.z1.json');
    await writeFile(file, JSON.stringify(notebook, null, 2));

    const result = await cli(['run', file, '--store', path.join(dir, 'store'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      runs: Array<{ window: number | null; samples: number; accuracy: { value: number }; thinkingHistogram: unknown }>;
    };
    expect(summary.runs.map((r) => [r.window, r.samples, Math.round(r.accuracy.value * 12)])).toEqual([
      [8, 12, 1],
      [16, 12, 3],
      [32, 12, 6],
      [64, 12, 9],
      [128, 12, 12],
      [null, 12, 12],
    ]);
    for (const run of summary.runs) {
      const strategy =
        run.window === null
          ? ({ strategy: 'unbounded', maxTokens: 256 } as const)
          : ({ strategy: 'shifted-window', window: run.window } as const);
      expect(run.thinkingHistogram).toEqual(histogram(expectOutcomes('plain', strategy).map((o) => o.thinkingTokens)));
    }

    const store = path.join(dir, 'store');
    const listed = JSON.parse((await cli(['runs', 'list', '--store', store, '--json'])).stdout) as Array<{ id: string }>;
    const shown = JSON.parse((await cli(['runs', 'show', listed[0]!.id, '--store', store, '--json'])).stdout);
    expect(shown.provenance.model.server).toMatchObject({ url: server.baseUrl, server: 'llama-server' });
  });
});
