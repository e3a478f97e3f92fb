import { stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveModelFile } from 'node-llama-cpp';
import { formatBytes, modelError } from './modelErrors';

/**
 * Downloads `hf:` model URIs into the models folder through node-llama-cpp (ipull underneath).
 *
 * How a URI becomes HTTP requests (node-llama-cpp 3.21.1, utils/parseModelUri.js):
 *   `hf:<user>/<repo>:<quant>` → GET {endpoint}v2/<user>/<repo>/manifests/<QUANT> with
 *     `User-Agent: llama-cpp`, whose JSON `ggufFile.rfilename` names the file, then
 *     GET {endpoint}<user>/<repo>/resolve/main/<rfilename>?download=true (ranges for resume and
 *     parallel connections). Saved as `hf_<user>_<file>` in the models folder.
 *   `hf:<user>/<repo>/<path/file.gguf>` skips the manifest.
 * The endpoint is `https://huggingface.co/` unless `MODEL_ENDPOINT` / `HF_ENDPOINT` (or the
 * `endpoint` option here) says otherwise: that is how tests stand a local server in for the hub.
 *
 * A cancelled download keeps its partial file (`<name>.ipull`, with ipull's progress record at
 * its end), and the next download of the same URI resumes from it with range requests.
 */
export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
}

export interface DownloadOptions {
  modelsDir: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Hub base URL; defaults to MODEL_ENDPOINT / HF_ENDPOINT / https://huggingface.co/. */
  endpoint?: string;
}

export interface DownloadedModel {
  uri: string;
  path: string;
  fileBytes: number;
}


function endpoints(endpoint: string | undefined) {
  return endpoint ? { huggingFace: endpoint } : undefined;
}

/** The downloaded file for a URI if it is already in the models folder (no network). */
export async function findDownloadedModel(
  uri: string,
  options: Pick<DownloadOptions, 'modelsDir' | 'endpoint'>,
): Promise<string | null> {
  try {
    return await resolveModelFile(uri, {
      directory: options.modelsDir,
      download: false,
      cli: false,
      endpoints: endpoints(options.endpoint),
    });
  } catch {
    return null;
  }
}

/** Downloads (or resumes, or finds already downloaded) the model a URI names. */
export async function downloadModel(uri: string, options: DownloadOptions): Promise<DownloadedModel> {
  const cancelled = () =>
    modelError(
      'download-cancelled',
      `the download of ${uri} was cancelled; the partial file stays in ${options.modelsDir} and the next download resumes it`,
    );
  let file: string;
  try {
    file = await resolveModelFile(uri, {
      directory: options.modelsDir,
      cli: false,
      deleteTempFileOnCancel: false,
      endpoints: endpoints(options.endpoint),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: ({ totalSize, downloadedSize }) =>
        options.onProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize }),
    });
  } catch (error) {
    if (options.signal?.aborted) throw cancelled();
    const reason = error instanceof Error ? error.message : String(error);
    throw modelError('download-failed', `cannot download ${uri} into ${options.modelsDir}: ${reason}`);
  }
  // ipull ends a cancelled download without an error: the file is then still the partial one.
  if (options.signal?.aborted) throw cancelled();
  const info = await stat(file);
  return { uri, path: path.resolve(file), fileBytes: info.size };
}

export function describeDownload(progress: DownloadProgress): string {
  const percent =
    progress.totalBytes > 0 ? ` (${((100 * progress.downloadedBytes) / progress.totalBytes).toFixed(1)}%)` : '';
  return `${formatBytes(progress.downloadedBytes)} of ${formatBytes(progress.totalBytes)}${percent}`;
}
