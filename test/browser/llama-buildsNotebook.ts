import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The notebook of the build row's browser tests: one model cell, id `m`, on the oracle fixture
 * with an explicit thread count (no measurement at load). Returns its path.
 */
export async function writeBuildRowNotebook(dir: string, title: string): Promise<string> {
  const notebook = path.join(dir, 'build.z1.json');
  const model = { source: 'fixture:oracle', contextSize: 256, threads: 1 };
  await writeFile(
    notebook,
    JSON.stringify({
      format: 'z1-notebook',
      version: 1,
      metadata: { title },
      cells: [{ type: 'model', id: 'm', metadata: {}, model }],
    }),
  );
  return notebook;
}
