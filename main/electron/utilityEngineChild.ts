import { engineProcessEnv } from '../engine-supervisor/engineProcessEnv';
import { utilityProcess } from 'electron';
import type { EngineChild, SpawnEngine } from '../messaging/EngineChild';

const STDERR_TAIL = 2000;

/**
 * Starts the bundled engine entry (out/main/engine.js) in an Electron utilityProcess: a Node
 * process that Electron owns, speaking the same API envelope as the headless host's Node child
 * (engineMain picks `process.parentPort`). When llama.cpp aborts or the GPU runs out of memory,
 * only this process dies; the supervisor reports it and starts a fresh one.
 */
export function spawnUtilityEngine(entry: string, env: Record<string, string> = {}): SpawnEngine {
  return () => {
    // stdout is inherited (llama.cpp's logs go to the terminal); stderr is piped so the crash
    // report can quote its last line, and forwarded so nothing is hidden.
    const child = utilityProcess.fork(entry, [], {
      serviceName: 'Z1 Workbench engine',
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, ...engineProcessEnv(), ...env },
    });
    let stderrTail = '';
    let killedByHost = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    });
    const handle: EngineChild = {
      // Known only once the process has spawned; read lazily.
      get pid() {
        return child.pid ?? null;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.once('exit', (code) => {
          const lastLine = stderrTail.trim().split('\n').pop();
          listener(lastLine ? `exited with code ${code}: ${lastLine}` : `exited with code ${code}`, killedByHost);
        }),
      kill: () => {
        killedByHost = true;
        child.kill();
      },
    };
    return handle;
  };
}
