import { FileFingerprints } from '../fingerprints/fileFingerprint';
import { parseModelSource } from '../../common/settings/modelSource';
import type { ModelSettings } from '../../common/settings/model';
import { resolveModelSource } from './modelSource';

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
    case 'local':
      // A notebook's judge path is absolute by now (resolveJudgeCells); one given to `runs regrade`
      // is relative to where the command runs, as the engine reads it.
      return `sha256:${await fingerprints.sha256(await resolveModelSource(model.source, { baseDir: process.cwd(), storeDir }))}`;
    case 'download':
      return `download:${source.uri}`;
    case 'openai':
      return `openai:${source.baseUrl}|${model.remote?.model ?? ''}`;
  }
}
