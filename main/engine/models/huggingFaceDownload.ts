import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createModelDownloader, resolveModelFile, type ModelDownloader } from 'node-llama-cpp';
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
 *
 * ipull (3.x) still writes to a cancelled download's partial file for a second or two: writes
 * that met the closed file are retried, and a retry reopens the file by name. A resume that
 * finished in that time found its partial file created again beside the model. So a download
 * waits until the previous download of the same file has ended and its partial file has been
 * quiet for a while (`untilQuiet`).
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

/** Partial file suffix of ipull, the downloader under node-llama-cpp. */
const PARTIAL_SUFFIX = '.ipull';
/** A partial file unchanged for this long is taken to be written no more. */
const QUIET_MS = 3000;
const QUIET_POLL_MS = 250;
/** Longer than ipull's retries of writes that met a closed file take. */
const QUIET_LIMIT_MS = 30_000;

/** Per model file: settles when its last download has ended and stopped writing. */
const lastDownload = new Map<string, Promise<void>>();

/** Downloads (or resumes, or finds already downloaded) the model a URI names. */
export async function downloadModel(uri: string, options: DownloadOptions): Promise<DownloadedModel> {
  const found = await findDownloadedModel(uri, options);
  if (found) return describeFile(uri, found);
  const failed = (error: unknown) =>
    modelError(
      'download-failed',
      `cannot download ${uri} into ${options.modelsDir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  let downloader: ModelDownloader;
  try {
    downloader = await createModelDownloader({
      modelUri: uri,
      dirPath: options.modelsDir,
      showCliProgress: false,
      deleteTempFileOnCancel: false,
      skipExisting: true,
      endpoints: endpoints(options.endpoint),
      onProgress: ({ totalSize, downloadedSize }) =>
        options.onProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize }),
    });
  } catch (error) {
    throw failed(error);
  }
  const file = downloader.entrypointFilePath;
  const previous = lastDownload.get(file);
  const run = (async () => {
    if (previous) {
      await previous;
      // The download before this one may have brought the file.
      const found = await findDownloadedModel(uri, options);
      if (found) {
        await downloader.cancel({ deleteTempFile: false });
        return describeFile(uri, found);
      }
    }
    return transfer(uri, downloader, options, failed);
  })();
  const settled = run.then(
    () => undefined,
    () => untilQuiet(downloader.filesInfo.map((info) => info.filePath + PARTIAL_SUFFIX)),
  );
  lastDownload.set(file, settled);
  void settled.then(() => {
    if (lastDownload.get(file) === settled) lastDownload.delete(file);
  });
  return run;
}

async function transfer(
  uri: string,
  downloader: ModelDownloader,
  options: DownloadOptions,
  failed: (error: unknown) => Error,
): Promise<DownloadedModel> {
  const cancelled = () =>
    modelError(
      'download-cancelled',
      `the download of ${uri} was cancelled; the partial file stays in ${options.modelsDir} and the next download resumes it`,
    );
  const { signal } = options;
  if (signal?.aborted) {
    await downloader.cancel({ deleteTempFile: false });
    throw cancelled();
  }
  const cancel = () => void downloader.cancel({ deleteTempFile: false });
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    await downloader.download();
  } catch (error) {
    if (signal?.aborted) throw cancelled();
    throw failed(error);
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  // ipull ends a cancelled download without an error: the file is then still the partial one.
  if (signal?.aborted) throw cancelled();
  return describeFile(uri, downloader.entrypointFilePath);
}

async function describeFile(uri: string, file: string): Promise<DownloadedModel> {
  const info = await stat(file);
  return { uri, path: path.resolve(file), fileBytes: info.size };
}

/** Resolves once none of the files changed (size, modification time) for QUIET_MS, or after QUIET_LIMIT_MS. */
async function untilQuiet(files: readonly string[]): Promise<void> {
  const signature = async () =>
    (
      await Promise.all(
        files.map((file) =>
          stat(file).then(
            (info) => `${info.size}/${info.mtimeMs}`,
            () => 'none',
          ),
        ),
      )
    ).join(',');
  const start = Date.now();
  let last = await signature();
  let quietSince = Date.now();
  while (Date.now() - quietSince < QUIET_MS && Date.now() - start < QUIET_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, QUIET_POLL_MS));
    const now = await signature();
    if (now !== last) [last, quietSince] = [now, Date.now()];
  }
}

export function describeDownload(progress: DownloadProgress): string {
  const percent =
    progress.totalBytes > 0 ? ` (${((100 * progress.downloadedBytes) / progress.totalBytes).toFixed(1)}%)` : '';
  return `${formatBytes(progress.downloadedBytes)} of ${formatBytes(progress.totalBytes)}${percent}`;
}
