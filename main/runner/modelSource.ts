import path from 'node:path';
import { parseModelSource } from '../../common/settings/modelSource';
import { ensureFixtureFile } from '../fixtures/fixtureFiles';

/**
 * The source the engine loads: a fixture materialised in the store's `models/fixtures/` (the
 * engine puts it in the same place when asked to load `fixture:…` itself), a local path made absolute
 * (relative to the notebook's folder), or an `hf:` / URL source unchanged (the engine downloads it).
 */
export async function resolveModelSource(
  source: string,
  options: { baseDir: string; storeDir: string },
): Promise<string> {
  const parsed = parseModelSource(source);
  if (parsed.kind === 'fixture') {
    return ensureFixtureFile(parsed.fixture, { directory: path.join(options.storeDir, 'models', 'fixtures') });
  }
  if (parsed.kind === 'local') return path.resolve(options.baseDir, source);
  return source;
}

/** Whether the engine downloads this source before it can be inspected. */
export function isDownloadSource(source: string): boolean {
  return parseModelSource(source).kind === 'download';
}
