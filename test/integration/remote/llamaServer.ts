/**
 * A real llama-server for the remote backend's tests and benchmark: built from the llama.cpp
 * source node-llama-cpp ships (main/llama-builds/llamaCppTools.ts, cached outside the repo),
 * started on 127.0.0.1 on a free port with a fixture model, always killed afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import {
  ensureLlamaCppTools,
  findLlamaCppTools,
  llamaCppToolsRoot,
  type LlamaCppTools,
} from '../../../main/llama-builds/llamaCppTools';

export interface LlamaServerOptions {
  modelPath: string;
  /** Slots: requests the server decodes together. */
  parallel?: number;
  /** Context per slot (llama-server's -c is the total, split between the slots). */
  contextPerSlot?: number;
  threads?: number;
  apiKey?: string;
  alias?: string;
  /** Reuse a port (a restart); default a free one. */
  port?: number;
}

export interface LlamaServer {
  readonly port: number;
  /** The OpenAI API base, as a model cell's source takes it after "openai:". */
  readonly baseUrl: string;
  readonly process: ChildProcess;
  /** The last lines the server printed (for failures). */
  log(): string;
  /** SIGKILL, as a crash: in-flight requests see their connection drop. */
  kill(): Promise<void>;
}

/** A port nothing listens on right now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * llama-server for the tests. The first run on a machine compiles it (minutes, and the test run
 * looks stuck without a word), so that is said on screen, with the build's progress.
 */
export async function ensureTestLlamaServer(): Promise<LlamaCppTools> {
  const cached = await findLlamaCppTools();
  if (cached) return cached;
  const { root } = await llamaCppToolsRoot();
  console.warn(
    `Compiling llama-server and llama-bench from the llama.cpp source node-llama-cpp ships: first test run on this machine only, about 5 minutes on 2 cores; cached in ${root}`,
  );
  let last = '';
  return ensureLlamaCppTools({
    // One line per stage, and per tenth of the compile.
    onProgress: ({ stage, percent, line }) => {
      const step =
        percent === null
          ? `${stage}${line.startsWith('waiting') ? ` (${line})` : ''}`
          : `${stage} ${Math.floor(percent / 10) * 10}%`;
      if (step === last) return;
      last = step;
      console.warn(`llama.cpp ${step}`);
    },
  });
}

export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServer> {
  const tools = await ensureTestLlamaServer();
  const parallel = options.parallel ?? 4;
  const port = options.port ?? (await freePort());
  const args = [
    '-m', options.modelPath,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--parallel', String(parallel),
    '-c', String(parallel * (options.contextPerSlot ?? 512)),
    '-t', String(options.threads ?? 1),
    '--no-webui',
    ...(options.apiKey ? ['--api-key', options.apiKey] : []),
    ...(options.alias ? ['-a', options.alias] : []),
  ];
  const child = spawn(tools.llamaServer, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n'));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: LlamaServer = {
    port,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    process: child,
    log: () => lines.join('\n'),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await waitUntilHealthy(server, exited);
  } catch (error) {
    await server.kill();
    throw error;
  }
  return server;
}

async function waitUntilHealthy(server: LlamaServer, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`llama-server exited while starting:\n${server.log()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`llama-server did not become healthy within 60 s:\n${server.log()}`);
}
