import { OPENAI_SOURCE_PREFIX, openAiSourceProblem } from '../../../common/settings/remoteModel';
import { remoteError } from './remoteErrors';

/** Where an OpenAI-compatible server answers. */
export interface ServerAddress {
  /** The model cell's source, e.g. `openai:http://127.0.0.1:8080/v1`. */
  readonly source: string;
  /** The OpenAI API's base (`…/v1`), without a trailing slash: `/completions`, `/models` live under it. */
  readonly baseUrl: string;
  /**
   * The server's root: llama-server and vLLM serve `/tokenize`, `/detokenize`, `/props`,
   * `/version` beside the API, not under `/v1`.
   */
  readonly rootUrl: string;
}

export function parseServerAddress(source: string): ServerAddress {
  const problem = openAiSourceProblem(source);
  if (problem || !source.startsWith(OPENAI_SOURCE_PREFIX)) {
    throw remoteError('remote-settings', `model source "${source}": ${problem ?? 'expected "openai:<base URL>"'}`);
  }
  const baseUrl = source.slice(OPENAI_SOURCE_PREFIX.length).replace(/\/+$/, '');
  const rootUrl = baseUrl.replace(/\/v1$/, '');
  return { source, baseUrl, rootUrl };
}
