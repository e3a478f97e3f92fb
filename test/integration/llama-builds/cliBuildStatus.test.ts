import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as cli } from '../../helpers/runCli';
import { oracleNotebook } from '../cli/cliProcess';

/**
 * `z1wb run` says which llama.cpp build runs and why before its first cell (real engine process).
 * The dataset here has a line it cannot read, so the cell stops before loading a model.
 */
let dir: string;
let notebook: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-cli-build-'));
  const dataset = path.join(dir, 'broken.jsonl');
  await writeFile(dataset, '{"id":"q1","answer":"1"}\n');
  notebook = await oracleNotebook(dir, { samples: 1, dataset });
  process.env.Z1WB_CACHE = path.join(dir, 'cache'); // no checked native build here
});

afterAll(async () => {
  delete process.env.Z1WB_CACHE;
  delete process.env.Z1WB_LLAMA_BUILD;
  await rm(dir, { recursive: true, force: true });
});

describe('z1wb run and the llama.cpp build', () => {
  it('prints the build in use and why at the start', async () => {
    const run = await cli(['run', notebook, '--store', path.join(dir, 'store'), '--json']);
    expect(run.stderr.split('\n')[0]).toBe(
      'llama.cpp: prebuilt binary: no checked native build, and none is prepared (Z1WB_AUTO_BUILD=off)',
    );
  });

  it('names Z1WB_LLAMA_BUILD when it chose the build', async () => {
    process.env.Z1WB_LLAMA_BUILD = 'prebuilt';
    const run = await cli(['run', notebook, '--store', path.join(dir, 'store'), '--json']);
    expect(run.stderr.split('\n')[0]).toBe('llama.cpp: prebuilt binary, as set by Z1WB_LLAMA_BUILD');
  });
});
