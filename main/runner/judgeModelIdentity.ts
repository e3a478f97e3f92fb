import { FileFingerprints } from '../fingerprints/fileFingerprint';
import path from 'node:path';
import { parseModelSource } from '../../common/settings/modelSource';
import type { ModelSettings } from '../../common/settings/model';
import { ensureFixtureFile } from '../fixtures/fixtureFiles';

const fingerprints = new FileFingerprints();

/**
 * What a judge's verdicts are cached under, found without the engine (a cached regrade starts
 * no model): a GGUF file's sha256 (remembered by path, size and mtime), a download's URI, a
 * server's URL and model name. A server that swaps the weights behind a name, or a Hugging Face
 * repository that replaces a file, is not seen: docs/grading.md says so.
 */
export async function judgeModelIdentity(model: ModelSettings, storeDir: string): Promise<string> {
  const source = parseModelSource(model.source);
  switch (source.kind) {
    case 'fixture':
      return `sha256:${await fingerprints.sha256(
        await ensureFixtureFile(source.fixture, { directory: path.join(storeDir, 'models', 'fixtures') }),
      )}`;
    case 'local':
      return `sha256:${await fingerprints.sha256(source.path)}`;
    case 'download':
      return `download:${source.uri}`;
    case 'openai':
      return `openai:${source.baseUrl}|${model.remote?.model ?? ''}`;
  }
}
