import type { EventData } from '../../common/api/contract';
import type { BuildStatus } from '../../common/api/contract/models';
import type { Workbench } from '../api/Workbench';
import type { CliIo } from './cliIo';

/**
 * What `z1wb run` says about the llama.cpp build (docs/models.md, "Builds"): which build runs
 * and why at the start, then the automatic native build's progress (each state, every 10%).
 */
export function buildStatusLines(build: BuildStatus): string {
  const install = build.installCommand ? `\n  to build one: ${build.installCommand}` : '';
  return `llama.cpp: ${build.reason}${install}\n`;
}

/** Prints the engine's build status; a failing query prints why and never stops the run. */
export async function printBuildStatus(workbench: Workbench, io: CliIo): Promise<void> {
  const response = await workbench.handle({ type: 'request', id: 0, method: 'engine.hardware', params: {} });
  if ('error' in response) io.stderr.write(`llama.cpp: build status unknown (${response.error.message})\n`);
  else {
    const build = (response.result as { build?: BuildStatus }).build;
    if (build) io.stderr.write(buildStatusLines(build));
  }
}

/** A printer of the automatic build's progress events (the explicit engine.buildNative has its own). */
export function buildProgressPrinter(io: CliIo) {
  let lastState = '';
  let lastTenth = -1;
  return (p: EventData<'engine.buildProgress'>) => {
    if (!p.auto) return;
    const tenth = p.percent === null ? lastTenth : Math.floor(p.percent / 10);
    if (p.auto === lastState && tenth === lastTenth) return;
    lastState = p.auto;
    lastTenth = tenth;
    const percent = p.percent !== null && p.auto === 'building' ? ` ${p.percent}%` : '';
    io.stderr.write(`native llama.cpp build: ${p.auto}${percent}${p.line ? ` (${p.line})` : ''}\n`);
  };
}
