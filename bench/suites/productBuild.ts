import { describeBuild } from '../../main/llama-builds/describeBuild';
import { engineAutoBuild } from '../../main/llama-builds/engineAutoBuild';
import type { AutoBuildStatus } from '../../main/llama-builds/AutoNativeBuild';
import {
  backendOf,
  buildInUse,
  getWorkbenchLlama,
  resolveBuildSetting,
} from '../../main/engine/hardware/workbenchLlama';

export interface ProductBuild {
  /** The build the benches measure: the one a model load uses now. */
  inUse: 'native' | 'prebuilt';
  /** Why, in the words `z1wb run` prints. */
  reason: string;
  /** The automatic build's end state when this run waited for it, else 'not needed'. */
  automaticBuild: AutoBuildStatus['state'] | 'not needed';
  /** Seconds spent waiting for the automatic build (0 when none ran). */
  waitedSeconds: number;
}

let prepared: Promise<ProductBuild> | null = null;

/**
 * The llama.cpp build a user of this checkout gets (docs/models.md, "Builds"). On a fresh clone
 * of a CPU-only machine with a compiler, the first model load starts the automatic native build
 * and the next load uses it once checked; the benches do the same and wait for it (its progress
 * on stderr), so that "after the automatic build" is what they measure and say. Under
 * `Z1WB_LLAMA_BUILD=prebuilt|native` or `Z1WB_AUTO_BUILD=off` nothing is built. Once per process.
 */
export function productBuild(): Promise<ProductBuild> {
  prepared ??= prepare();
  return prepared;
}

async function prepare(): Promise<ProductBuild> {
  const { setting, from } = resolveBuildSetting(undefined, undefined);
  const autoBuild = setting === 'auto' ? engineAutoBuild() : null;
  const describe = async (start: boolean) => {
    const llama = await getWorkbenchLlama({ backend: 'cpu', replace: true });
    const inUse = (await buildInUse()) ?? 'prebuilt';
    const described = await describeBuild({
      setting,
      settingFrom: from,
      backend: backendOf(llama),
      inUse,
      autoBuild,
      start,
    });
    return { inUse, described };
  };
  const first = await describe(true);
  if (!autoBuild?.running) {
    return { inUse: first.inUse, reason: first.described.reason, automaticBuild: 'not needed', waitedSeconds: 0 };
  }
  const started = performance.now();
  const unsubscribe = autoBuild.subscribe(progressPrinter());
  const end = await autoBuild.start().finally(unsubscribe);
  // The next load switches to the checked build (getWorkbenchLlama with `replace`, nothing loaded).
  const after = await describe(false);
  return {
    inUse: after.inUse,
    reason: after.described.reason,
    automaticBuild: end.state,
    waitedSeconds: Math.round((performance.now() - started) / 1000),
  };
}

/** Each state, and every tenth of the way while building (compiler lines without a step count add nothing). */
function progressPrinter() {
  let shown = '';
  let tenth: number | null = null;
  return (status: AutoBuildStatus) => {
    if (status.percent !== null) tenth = Math.floor(status.percent / 10) * 10;
    const percent = status.state === 'building' && tenth !== null ? ` ${tenth}%` : '';
    const line = `${status.state}${percent}`;
    if (line === shown) return;
    shown = line;
    console.error(`  automatic native build: ${line}${status.message ? ` (${status.message})` : ''}`);
  };
}
