/**
 * What a model cell's `source` names, parsed once for every part that needs to know (schema,
 * runner, engine, downloader):
 * - `openai:<base URL>`: a model on an OpenAI-compatible server (vLLM, SGLang, llama-server);
 * - `fixture:<kind>`: one of the test models the workbench writes itself (docs/fixtures.md);
 * - a Hugging Face or web URI, downloaded into the models folder: `hf:user/repo:QUANT`,
 *   `huggingface:…`, `hf.co/…`, `huggingface.co/…`, `https://…`, `http://…`;
 * - anything else: a local GGUF path (relative paths resolve against the notebook's folder).
 */
export type ModelSource =
  | { kind: 'local'; path: string }
  | { kind: 'download'; uri: string }
  | { kind: 'fixture'; fixture: FixtureKind }
  | { kind: 'openai'; baseUrl: string };

export const FIXTURE_KINDS = ['oracle', 'stochastic', 'bench'] as const;
export type FixtureKind = (typeof FIXTURE_KINDS)[number];

export const FIXTURE_PREFIX = 'fixture:';
export const OPENAI_SOURCE_PREFIX = 'openai:';
const DOWNLOAD = /^(hf:|hf\.co\/|huggingface:|huggingface\.co\/|https?:\/\/)/i;

/** Parses a model source; an unknown `fixture:` name is an error that lists the known ones. */
export function parseModelSource(source: string): ModelSource {
  if (source.startsWith(OPENAI_SOURCE_PREFIX))
    return { kind: 'openai', baseUrl: source.slice(OPENAI_SOURCE_PREFIX.length) };
  if (source.startsWith(FIXTURE_PREFIX)) {
    const name = source.slice(FIXTURE_PREFIX.length);
    if (!(FIXTURE_KINDS as readonly string[]).includes(name)) {
      throw new Error(
        `unknown fixture model "${source}" (known: ${FIXTURE_KINDS.map((k) => FIXTURE_PREFIX + k).join(', ')})`,
      );
    }
    return { kind: 'fixture', fixture: name as FixtureKind };
  }
  if (DOWNLOAD.test(source)) return { kind: 'download', uri: source };
  return { kind: 'local', path: source };
}
