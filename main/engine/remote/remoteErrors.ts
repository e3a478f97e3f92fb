import { ApiError } from '../../../common/api/messages';

/**
 * Error codes of the remote backend. Each message names the server (never the key) and what it
 * answered, so a user can tell a typo in the URL from a refused key or a missing model.
 */
export const REMOTE_ERROR_CODES = [
  /** The model cell's remote settings are inconsistent (e.g. `remote` on a local source). */
  'remote-settings',
  /** Nothing answers at the URL (refused, unknown host, timed out) after the retries. */
  'remote-unreachable',
  /** The server wants an API key, or refused the one sent (401/403). */
  'remote-auth-failed',
  /** The server does not serve the model the cell names. */
  'remote-model-not-found',
  /** Something answers, but not as an OpenAI-compatible server would (wrong path, malformed JSON). */
  'remote-bad-response',
  /** The server refused a request (4xx other than auth) or kept failing (5xx) past the retries. */
  'remote-request-failed',
  /** The server's usage counts disagree with the tokens it streamed: its token accounting cannot be trusted. */
  'remote-token-mismatch',
] as const;
export type RemoteErrorCode = (typeof REMOTE_ERROR_CODES)[number];

export function remoteError(code: RemoteErrorCode, message: string): ApiError {
  return new ApiError(code, message);
}
