import { AutoNativeBuild } from './AutoNativeBuild';

/** `Z1WB_AUTO_BUILD=off`: never prepare a native build on its own (a checked one is still used). */
export const AUTO_BUILD_ENV = 'Z1WB_AUTO_BUILD';

let processAutoBuild: AutoNativeBuild | null | undefined;

/** The engine process's automatic build job; null when switched off by the environment. */
export function engineAutoBuild(env: NodeJS.ProcessEnv = process.env): AutoNativeBuild | null {
  if (processAutoBuild === undefined) {
    processAutoBuild = env[AUTO_BUILD_ENV] === 'off' ? null : new AutoNativeBuild();
  }
  return processAutoBuild;
}
