import path from 'node:path';
import { ensureFixtureFile, FIXTURE_KINDS, type FixtureKind } from '../engine/fixture/fixtureFiles';

/**
 * `fixture:oracle` and `fixture:stochastic` name the test models the workbench writes itself
 * (docs/fixtures.md). A notebook refers to them by that name, so it runs on any machine
 * without a download; the runner writes the file into the store's `models/fixtures/` folder
 * on first use (keyed by the generator's sources) and runs it like any local GGUF.
 */
export const FIXTURE_PREFIX = 'fixture:';

export function fixtureKindOf(source: string): FixtureKind | null {
  if (!source.startsWith(FIXTURE_PREFIX)) return null;
  const kind = source.slice(FIXTURE_PREFIX.length);
  if (!(FIXTURE_KINDS as readonly string[]).includes(kind)) {
    throw new Error(
      `unknown fixture model "${source}" (known: ${FIXTURE_KINDS.map((k) => FIXTURE_PREFIX + k).join(', ')})`,
    );
  }
  return kind as FixtureKind;
}

/**
 * The source the engine loads: a fixture materialised in the store, a local path made absolute
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
