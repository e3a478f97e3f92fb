import { ApiError } from '../../../common/api/messages';

/**
 * The error codes of model handling, each an ApiError whose message names the file and the
 * numbers involved, so that a user (or a test) can act on it without reading a log.
 */
export const MODEL_ERROR_CODES = [
  'model-not-found',
  'not-gguf',
  'unsupported-gguf-version',
  'truncated-gguf',
  'unsupported-architecture',
  'model-too-large',
  'backend-unavailable',
  'backend-conflict',
  'unknown-model',
  'download-failed',
  'download-cancelled',
] as const;
export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number];

export function modelError(code: ModelErrorCode, message: string): ApiError {
  return new ApiError(code, message);
}

/** 1536 → "1.5 KiB", 7.6e9 → "7.08 GiB": byte counts people can read in an error message. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}
