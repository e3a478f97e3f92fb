import path from 'node:path';
import { ensureFixtureFile } from '../engine/fixture/fixtureFiles';
import { fixtureKindOf } from '../engine/fixture/fixtureSource';

/**
 * The source the engine loads: a fixture materialised in the store's `models/fixtures/` (the
 * engine puts it in the same place when asked to load `fixture:…` itself), a local path made absolute
 * (relative to the notebook's folder), or an `hf:` / URL source unchanged (the engine downloads it).
 */
export async function resolveModelSource(
  source: string,
  options: { baseDir: string; storeDir: string },
): Promise<string> {
  const kind = fixtureKindOf(source);
  if (kind) return ensureFixtureFile(kind, { directory: path.join(options.storeDir, 'models', 'fixtures') });
  if (/^(hf:|https?:\/\/)/.test(source)) return source;
  return path.resolve(options.baseDir, source);
}

export function isRemoteSource(source: string): boolean {
  return /^(hf:|https?:\/\/)/.test(source);
}
