import { fileURLToPath } from 'node:url';
import { greedyTokens, type GreedyRun, type GreedyRunRequest } from '../../llama-builds/greedyTokens';
import { measureBatchTimes } from './batchTimes';
import { defaultThreadCount } from './physicalCores';
import { getWorkbenchLlama } from './workbenchLlama';

/**
 * The child process of a native build's check (llama-builds/buildVerification.ts): the greedy
 * tokens of one build, printed as one JSON line. It sits with the engine's binding, not in
 * llama-builds, because it picks the build the way the engine does (getWorkbenchLlama), and
 * llama-builds must not import the engine that imports it. The spawner finds it by path
 * (llama-builds/greedyTokens.ts) and electron.vite.config.ts bundles it as an entry of its own.
 *
 * With SPEED_MODEL it then times batches on that model at THREADS threads (default: the physical
 * cores, the most the engine uses; buildSpeed.ts).
 *
 *   node --import tsx main/engine/hardware/greedyTokensCommand.ts native|prebuilt MODEL.gguf COUNT PROMPT [SPEED_MODEL.gguf [THREADS]]
 */
async function printGreedyTokens(
  request: Required<Omit<GreedyRunRequest, 'signal' | 'env' | 'speedModelPath' | 'speedThreads'>> &
    Pick<GreedyRunRequest, 'speedModelPath' | 'speedThreads'>,
) {
  const { build, modelPath, count, prompt, speedModelPath, speedThreads } = request;
  const llama = await getWorkbenchLlama({ backend: 'cpu', build });
  const run: GreedyRun = { buildType: llama.buildType, tokens: await greedyTokens(llama, modelPath, count, prompt) };
  if (speedModelPath) {
    run.speedThreads = speedThreads ?? defaultThreadCount();
    run.batchMs = await measureBatchTimes(llama, speedModelPath, run.speedThreads);
  }
  const cpu = process.cpuUsage();
  run.cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify(run)}\n`);
  await llama.dispose();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [build, modelPath, count, prompt, speedModelPath, speedThreads] = process.argv.slice(2);
  if (
    (build !== 'native' && build !== 'prebuilt') ||
    !modelPath ||
    !/^\d+$/.test(count ?? '') ||
    prompt === undefined ||
    (speedThreads !== undefined && !/^[1-9]\d*$/.test(speedThreads))
  ) {
    process.stderr.write(
      'usage: greedyTokensCommand.ts native|prebuilt MODEL.gguf COUNT PROMPT [SPEED_MODEL.gguf [THREADS]]\n',
    );
    process.exit(2);
  }
  const speed = {
    ...(speedModelPath ? { speedModelPath } : {}),
    ...(speedThreads ? { speedThreads: Number(speedThreads) } : {}),
  };
  printGreedyTokens({ build, modelPath, count: Number(count), prompt, ...speed }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
