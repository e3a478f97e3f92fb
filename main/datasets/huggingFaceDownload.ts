import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomic } from '../store/atomicWrite';

/** Where the Hub is: `HF_ENDPOINT` moves it (mirrors, and the tests' local server). */
export function huggingFaceEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

/** The user's token for gated datasets, from the call or the usual environment variables. */
export function huggingFaceToken(explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return explicit ?? env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
}

export interface HuggingFaceSplit {
  repo: string;
  config: string;
  split: string;
}

export interface DownloadProgress {
  file: string;
  receivedBytes: number;
  totalBytes: number | null;
}

export interface DownloadedSplit {
  files: string[];
  bytes: number;
  cached: boolean;
}

interface CacheManifest {
  repo: string;
  config: string;
  split: string;
  urls: string[];
  files: Array<{ name: string; bytes: number }>;
  downloadedAt: string;
}

export class HuggingFaceError extends Error {
  override name = 'HuggingFaceError';
}

export function splitCacheDir(storeDir: string, s: HuggingFaceSplit): string {
  const safe = (part: string) => part.replace(/[^\w.-]/g, '_');
  return path.join(storeDir, 'datasets', 'huggingface', ...s.repo.split('/').map(safe), safe(s.config), safe(s.split));
}

/**
 * Downloads a split as the Hub's Parquet conversion (`/api/datasets/REPO/parquet/CONFIG/SPLIT`
 * lists its files), which every dataset on the Hub has whatever its original format. Files
 * are written to a temp name and renamed when complete; a manifest written last marks the
 * cache as whole, so an interrupted download is simply done again.
 */
export async function downloadSplit(
  storeDir: string,
  s: HuggingFaceSplit,
  options: {
    token?: string | undefined;
    onProgress?: (p: DownloadProgress) => void;
    signal?: AbortSignal;
    endpoint?: string;
  } = {},
): Promise<DownloadedSplit> {
  const dir = splitCacheDir(storeDir, s);
  const manifestPath = path.join(dir, 'manifest.json');
  const cached = await readManifest(manifestPath);
  if (cached && (await filesIntact(dir, cached))) {
    return {
      files: cached.files.map((f) => path.join(dir, f.name)),
      bytes: cached.files.reduce((n, f) => n + f.bytes, 0),
      cached: true,
    };
  }

  const endpoint = options.endpoint ?? huggingFaceEndpoint();
  const headers: Record<string, string> = { 'user-agent': 'z1-workbench' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const listUrl = `${endpoint}/api/datasets/${s.repo}/parquet/${encodeURIComponent(s.config)}/${encodeURIComponent(s.split)}`;
  const listing = await fetchOrExplain(listUrl, headers, s, options.signal);
  const urls = (await listing.json()) as unknown;
  if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string')) {
    throw new HuggingFaceError(
      `${s.repo}: the Hub listed no Parquet files for config "${s.config}", split "${s.split}"`,
    );
  }

  await mkdir(dir, { recursive: true });
  const files: CacheManifest['files'] = [];
  for (const [i, rawUrl] of (urls as string[]).entries()) {
    const url = onEndpoint(rawUrl, endpoint);
    const name = `${String(i).padStart(4, '0')}.parquet`;
    const target = path.join(dir, name);
    const temp = `${target}.part`;
    const response = await fetchOrExplain(url, headers, s, options.signal);
    const total = Number(response.headers.get('content-length'));
    let received = 0;
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      options.onProgress?.({
        file: name,
        receivedBytes: received,
        totalBytes: Number.isFinite(total) && total > 0 ? total : null,
      });
    });
    try {
      await pipeline(body, createWriteStream(temp), { signal: options.signal });
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await rename(temp, target);
    files.push({ name, bytes: received });
  }
  const manifest: CacheManifest = { ...s, urls: urls as string[], files, downloadedAt: new Date().toISOString() };
  await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return {
    files: files.map((f) => path.join(dir, f.name)),
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    cached: false,
  };
}

/** The Hub answers with absolute URLs on huggingface.co; keep them on the configured endpoint. */
function onEndpoint(url: string, endpoint: string): string {
  if (url.startsWith('/')) return endpoint + url;
  const parsed = new URL(url);
  if (parsed.hostname === 'huggingface.co' && !endpoint.startsWith('https://huggingface.co')) {
    return endpoint + parsed.pathname + parsed.search;
  }
  return url;
}

async function fetchOrExplain(
  url: string,
  headers: Record<string, string>,
  s: HuggingFaceSplit,
  signal?: AbortSignal,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: signal ?? null });
  } catch (error) {
    throw new HuggingFaceError(
      `${s.repo}: cannot reach ${new URL(url).origin} (${(error as Error).message}); set HF_ENDPOINT for a mirror`,
    );
  }
  if (response.ok && response.body) return response;
  if (response.status === 401 || response.status === 403) {
    throw new HuggingFaceError(
      headers.authorization
        ? `${s.repo} is gated and your token has no access (HTTP ${response.status}): accept its terms on the Hub with that account`
        : `${s.repo} is gated: it needs your Hugging Face token (set HF_TOKEN, after accepting the dataset's terms on the Hub)`,
    );
  }
  if (response.status === 404)
    throw new HuggingFaceError(
      `${s.repo}: no config "${s.config}" / split "${s.split}" on the Hub (HTTP 404 for ${url})`,
    );
  throw new HuggingFaceError(`${s.repo}: HTTP ${response.status} for ${url}`);
}

async function readManifest(file: string): Promise<CacheManifest | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CacheManifest;
  } catch {
    return null;
  }
}

async function filesIntact(dir: string, manifest: CacheManifest): Promise<boolean> {
  for (const f of manifest.files) {
    const size = await stat(path.join(dir, f.name)).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== f.bytes) return false;
  }
  return true;
}
