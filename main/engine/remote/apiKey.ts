import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RemoteModelSettings } from '../../../common/settings/remoteModel';
import { remoteError } from './remoteErrors';
import type { ServerAddress } from './serverAddress';

/** The environment variable read for a server's API key when the model cell names no other. */
export const DEFAULT_API_KEY_ENV = 'Z1WB_REMOTE_API_KEY';

/** The store's key file: `{ "<API base URL>": "<key>" }`, kept beside the runs, never in a notebook. */
export const API_KEYS_FILE_NAME = 'remote-keys.json';

const keysFile = z.record(z.string(), z.string().min(1));

export interface ApiKey {
  /** null: send no Authorization header. */
  readonly key: string | null;
  /** Where it came from (or where to put it), for error messages; never the key itself. */
  readonly source: string;
}

/**
 * The API key for a server, from (in order) the variable the model cell names in
 * `remote.apiKeyEnv`, the store's key file entry for the server's URL, or Z1WB_REMOTE_API_KEY.
 * The key is never part of the settings, so it cannot leak into notebooks or exports.
 */
export async function resolveApiKey(
  address: ServerAddress,
  remote: Pick<RemoteModelSettings, 'apiKeyEnv'> | undefined,
  options: { env?: NodeJS.ProcessEnv; keysFile?: string } = {},
): Promise<ApiKey> {
  const env = options.env ?? process.env;
  if (remote?.apiKeyEnv) {
    const key = env[remote.apiKeyEnv];
    if (!key) {
      throw remoteError('remote-settings', `remote.apiKeyEnv names the environment variable ${remote.apiKeyEnv}, which is not set`);
    }
    return { key, source: `the environment variable ${remote.apiKeyEnv}` };
  }
  if (options.keysFile) {
    const keys = await readKeysFile(options.keysFile);
    const key = keys[address.baseUrl] ?? keys[`${address.baseUrl}/`] ?? keys[new URL(address.baseUrl).origin];
    if (key) return { key, source: `${options.keysFile} (entry "${address.baseUrl}")` };
  }
  if (env[DEFAULT_API_KEY_ENV]) return { key: env[DEFAULT_API_KEY_ENV]!, source: `the environment variable ${DEFAULT_API_KEY_ENV}` };
  const where = options.keysFile ? `, or an entry "${address.baseUrl}" in ${options.keysFile}` : '';
  return { key: null, source: `${DEFAULT_API_KEY_ENV} (or name another variable in remote.apiKeyEnv${where})` };
}

async function readKeysFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw remoteError('remote-settings', `${file} is not JSON; expected { "<server URL>": "<API key>" }`);
  }
  const parsed = keysFile.safeParse(value);
  if (!parsed.success) throw remoteError('remote-settings', `${file}: expected { "<server URL>": "<API key>" } (${parsed.error.issues[0]!.message})`);
  return parsed.data;
}
