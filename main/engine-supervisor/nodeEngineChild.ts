import { engineProcessEnv } from './engineProcessEnv';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineChild, SpawnEngine } from '../messaging/EngineChild';

const ENGINE_ENTRY = fileURLToPath(new URL('../engine-process/engineMain.ts', import.meta.url));
const STDERR_TAIL = 2000;

/**
 * Starts the engine as a Node child process running the TypeScript entry through tsx (the
 * headless host and the CLI run from source; the Electron build bundles the same entry).
 */
export function spawnNodeEngine(options: { env?: NodeJS.ProcessEnv } = {}): SpawnEngine {
  return () => {
    const child = fork(ENGINE_ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, ...engineProcessEnv(), ...options.env },
    });
    let stderrTail = '';
    let killedByHost = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    });
    const handle: EngineChild = {
      pid: child.pid ?? null,
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.once('exit', (code, signal) => {
          const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
          const lastLine = stderrTail.trim().split('\n').pop();
          listener(lastLine ? `${how}: ${lastLine}` : how, killedByHost);
        }),
      kill: () => {
        killedByHost = true;
        child.kill('SIGKILL');
      },
    };
    return handle;
  };
}
