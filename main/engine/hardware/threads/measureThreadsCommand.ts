import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelSettings } from '../../../../common/settings/model';
import { ModelRegistry } from '../../models/ModelRegistry';
import { disposeWorkbenchLlama } from '../workbenchLlama';

/**
 * The load-time thread measurement from a shell, uncached, optionally under an injected load
 * (`--busy N`: N processes spinning on the CPU while it measures), as docs/models.md, "Threads"
 * reports it:
 *
 *   node --import tsx main/engine/hardware/threads/measureThreadsCommand.ts MODEL.gguf [--busy 2]
 *
 * `Z1WB_LLAMA_BUILD=prebuilt|native` picks the build measured.
 */
export async function measureThreadsOnce(modelPath: string, busy = 0) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-measure-threads-'));
  const spinners = Array.from({ length: busy }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  const registry = new ModelRegistry({ modelsDir: dir, threadCacheDir: dir });
  try {
    const loaded = await registry.load(modelSettings.parse({ source: modelPath, contextSize: 512, threads: 'auto' }));
    return {
      build: registry.get(loaded.modelId).llama.buildType,
      busy,
      chosen: loaded.threads,
      measured: loaded.threadChoice?.measured.map((m) => ({
        threads: m.threads,
        tokensPerSecond: Math.round(m.tokensPerSecond * 10) / 10,
      })),
    };
  } finally {
    for (const spinner of spinners) spinner.kill('SIGKILL');
    await registry.dispose();
    await disposeWorkbenchLlama();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [modelPath, flag, count] = process.argv.slice(2);
  if (!modelPath || (flag !== undefined && (flag !== '--busy' || !/^\d+$/.test(count ?? '')))) {
    process.stderr.write('usage: measureThreadsCommand.ts MODEL.gguf [--busy N]\n');
    process.exit(2);
  }
  measureThreadsOnce(modelPath, flag ? Number(count) : 0).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
