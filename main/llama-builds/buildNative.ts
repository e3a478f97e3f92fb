import { fileURLToPath } from 'node:url';
import { ensureLlamaCppTools, findLlamaCppTools } from './llamaCppTools';
import type { BuildProgress } from './llamaCppSource';
import { buildNativeAddon, nativeAddonStatus } from './nativeAddonBuild';

/**
 * The optional builds, usable from a command line (and from the CLI's own commands):
 *
 *   node --import tsx main/llama-builds/buildNative.ts status
 *   node --import tsx main/llama-builds/buildNative.ts llama-tools   # llama-bench + llama-server
 *   node --import tsx main/llama-builds/buildNative.ts addon         # node-llama-cpp for this CPU
 *
 * Both compile the llama.cpp source node-llama-cpp ships (no network), ~5 minutes each on 2
 * cores; run them one after the other, not at once.
 */
export async function runBuildNative(
  target: 'status' | 'llama-tools' | 'addon',
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<Record<string, unknown>> {
  if (target === 'status') {
    return { llamaTools: await findLlamaCppTools(), nativeAddon: await nativeAddonStatus() };
  }
  let lastPercent = -1;
  const onProgress = (p: BuildProgress) => {
    if (p.percent !== null && p.percent === lastPercent) return;
    if (p.percent !== null) lastPercent = p.percent;
    log(`[${target}] ${p.stage}${p.percent !== null ? ` ${p.percent}%` : ''}: ${p.line}`);
  };
  const started = performance.now();
  const result =
    target === 'llama-tools' ? await ensureLlamaCppTools({ onProgress }) : await buildNativeAddon({ onProgress });
  return { ...result, seconds: Math.round((performance.now() - started) / 1000) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2] ?? 'status';
  if (target !== 'status' && target !== 'llama-tools' && target !== 'addon') {
    process.stderr.write('usage: buildNative.ts status | llama-tools | addon\n');
    process.exit(2);
  }
  runBuildNative(target).then(
    (result) => {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
