import { fileURLToPath } from 'node:url';
import { greedyTokens, type GreedyRun, type GreedyRunRequest } from '../../llama-builds/greedyTokens';
import { getWorkbenchLlama } from './workbenchLlama';

/**
 * The child process of a native build's check (llama-builds/buildVerification.ts): the greedy
 * tokens of one build, printed as one JSON line. It sits with the engine's binding, not in
 * llama-builds, because it picks the build the way the engine does (getWorkbenchLlama), and
 * llama-builds must not import the engine that imports it. The spawner finds it by path
 * (llama-builds/greedyTokens.ts) and electron.vite.config.ts bundles it as an entry of its own.
 *
 *   node --import tsx main/engine/hardware/greedyTokensCommand.ts native|prebuilt MODEL.gguf COUNT PROMPT
 */
async function printGreedyTokens({
  build,
  modelPath,
  count,
  prompt,
}: Required<Omit<GreedyRunRequest, 'signal' | 'env'>>) {
  const llama = await getWorkbenchLlama({ backend: 'cpu', build });
  const run: GreedyRun = { buildType: llama.buildType, tokens: await greedyTokens(llama, modelPath, count, prompt) };
  process.stdout.write(`${JSON.stringify(run)}\n`);
  await llama.dispose();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [build, modelPath, count, prompt] = process.argv.slice(2);
  if (
    (build !== 'native' && build !== 'prebuilt') ||
    !modelPath ||
    !/^\d+$/.test(count ?? '') ||
    prompt === undefined
  ) {
    process.stderr.write('usage: greedyTokensCommand.ts native|prebuilt MODEL.gguf COUNT PROMPT\n');
    process.exit(2);
  }
  printGreedyTokens({ build, modelPath, count: Number(count), prompt }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
