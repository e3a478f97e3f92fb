import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Llama } from 'node-llama-cpp';
import { ensureFixtureFile } from '../fixtures/fixtureFiles';

/**
 * A short greedy generation in a process of its own, on a given build of the addon: how a new
 * build is checked before the workbench uses it (same tokens as the prebuilt binary). A process
 * of its own because one process can hold only one llama.cpp binding, and the engine's stays in
 * use while a build is checked.
 */

/** The check's model: the bench fixture's shape (random f16 weights, real matrix kernels), small. */
export const VERIFY_FIXTURE = {
  kind: 'bench' as const,
  bench: { embedding: 256, blocks: 2, heads: 4, feedForward: 512, vocabularySize: 4096, contextLength: 512 },
};
export const VERIFY_PROMPT = 'The workbench checks a new build of llama.cpp';
export const VERIFY_TOKENS = 24;

export interface GreedyRun {
  /** node-llama-cpp's `buildType` of the binding that ran: 'prebuilt' or 'localBuild'. */
  buildType: string;
  tokens: number[];
}

export interface GreedyRunRequest {
  build: 'native' | 'prebuilt';
  modelPath: string;
  prompt?: string;
  count?: number;
  signal?: AbortSignal;
  /** Extra environment of the child (the engine process's settings are inherited). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The child's code: this file through tsx when run from source, or greedyTokens.js beside the
 * bundle (electron.vite.config.ts lists this file as an entry). Names built at run time so that
 * the bundler does not take them for assets.
 */
function childEntry(): { file: string; execArgv: string[] } {
  const here = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
  const source = here(['greedyTokens', 'ts'].join('.'));
  if (existsSync(source)) return { file: source, execArgv: ['--import', 'tsx'] };
  return { file: here(['greedyTokens', 'js'].join('.')), execArgv: [] };
}

/** Path of the verification model (generated on first use, cached with the other fixtures). */
export function verifyFixturePath(directory?: string): Promise<string> {
  return ensureFixtureFile(VERIFY_FIXTURE.kind, {
    bench: VERIFY_FIXTURE.bench,
    ...(directory ? { directory } : {}),
  });
}

/** Runs the generation in a child Node process and returns what it printed. */
export function greedyTokensInChild(request: GreedyRunRequest): Promise<GreedyRun> {
  return new Promise((resolve, reject) => {
    const entry = childEntry();
    const args = [
      ...entry.execArgv,
      entry.file,
      request.build,
      request.modelPath,
      String(request.count ?? VERIFY_TOKENS),
      request.prompt ?? VERIFY_PROMPT,
    ];
    const child = spawn(process.execPath, args, {
      cwd: path.dirname(entry.file),
      env: {
        ...process.env,
        ...request.env,
        Z1WB_LLAMA_BUILD: request.build,
        ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: request.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once('error', (error) => reject(new Error(`the ${request.build} check could not run: ${error.message}`)));
    child.once('close', (code, signal) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      if (code !== 0) return reject(new Error(`the ${request.build} build's check ${how}: ${stderr.trim()}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as GreedyRun);
      } catch {
        reject(new Error(`the ${request.build} build's check printed no result: ${stdout.trim()} ${stderr.trim()}`));
      }
    });
  });
}

/** The first `count` greedy tokens after `prompt` on a binding (one thread: the same path on any machine). */
export async function greedyTokens(llama: Llama, modelPath: string, count: number, prompt: string): Promise<number[]> {
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  try {
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    const tokens: number[] = [];
    for await (const token of context.getSequence().evaluate(model.tokenize(prompt), { temperature: 0 })) {
      tokens.push(Number(token));
      if (tokens.length >= count) break;
    }
    await context.dispose();
    return tokens;
  } finally {
    await model.dispose();
  }
}

async function generateHere(build: GreedyRunRequest['build'], modelPath: string, count: number, prompt: string) {
  const { getWorkbenchLlama } = await import('../engine');
  const llama = await getWorkbenchLlama({ backend: 'cpu', build });
  const run: GreedyRun = { buildType: llama.buildType, tokens: await greedyTokens(llama, modelPath, count, prompt) };
  process.stdout.write(`${JSON.stringify(run)}\n`);
  await llama.dispose();
}

// By name: bundled, this module's code can also sit inside the engine's bundle, which must not run it.
if (/greedyTokens\.(ts|js)$/.test(process.argv[1] ?? '')) {
  const [build, modelPath, count, prompt] = process.argv.slice(2);
  if ((build !== 'native' && build !== 'prebuilt') || !modelPath || !count || prompt === undefined) {
    process.stderr.write('usage: greedyTokens.ts native|prebuilt MODEL.gguf COUNT PROMPT\n');
    process.exit(2);
  }
  generateHere(build, modelPath, Number(count), prompt).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
