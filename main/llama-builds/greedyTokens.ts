import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Llama } from 'node-llama-cpp';
import { ensureFixtureFile } from '../fixtures/fixtureFiles';
import type { BatchTimes } from './buildSpeed';

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
  /** The batch times measured after the tokens (buildSpeed.ts), when the request asked for them… */
  batchMs?: BatchTimes;
  /** …at this many threads. */
  speedThreads?: number;
  /** CPU time the run's process used in all (user + system), so that other work's share of the machine can be told apart. */
  cpuMs?: number;
}

export interface GreedyRunRequest {
  build: 'native' | 'prebuilt';
  modelPath: string;
  prompt?: string;
  count?: number;
  /** Also time batches on this model at `speedThreads` threads (default: the physical cores; buildSpeed.ts). */
  speedModelPath?: string;
  speedThreads?: number;
  signal?: AbortSignal;
  /** Extra environment of the child (the engine process's settings are inherited). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The child's code, engine/hardware/greedyTokensCommand.ts (it chooses the build through the
 * engine's binding, which imports this folder: a path, not an import, keeps the arrows one way):
 * through tsx when run from source, or greedyTokensCommand.js beside the bundle
 * (electron.vite.config.ts lists it as an entry; the bundle's chunks all sit in one folder).
 * Names built at run time so that the bundler does not take them for assets.
 */
function childEntry(): { file: string; execArgv: string[] } {
  const near = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  const source = near(['../engine/hardware/greedyTokensCommand', 'ts'].join('.'));
  if (existsSync(source)) return { file: source, execArgv: ['--import', 'tsx'] };
  return { file: near(['./greedyTokensCommand', 'js'].join('.')), execArgv: [] };
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
      ...(request.speedModelPath ? [request.speedModelPath] : []),
      ...(request.speedModelPath && request.speedThreads ? [String(request.speedThreads)] : []),
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
