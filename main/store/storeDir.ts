import os from 'node:os';
import path from 'node:path';

/** Environment variable that moves the store (runs, notebooks' outputs, models) elsewhere. */
export const STORE_ENV = 'Z1WB_STORE';

/** The per-OS application-data folder, unless `Z1WB_STORE` or an explicit `--store` says otherwise. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env[STORE_ENV]) return path.resolve(env[STORE_ENV]);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Z1 Workbench');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Z1 Workbench');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'z1-workbench');
}
