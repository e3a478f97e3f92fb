import { utilityProcess } from 'electron';
import type { EngineChild, SpawnEngine } from '../engine-host/EngineChild';

/** Starts the bundled engine entry in an Electron utilityProcess (same protocol as the Node child). */
export function spawnUtilityEngine(entry: string): SpawnEngine {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Z1 Workbench engine', stdio: 'pipe' });
    let stderrTail = '';
    let killedByHost = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    const handle: EngineChild = {
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
