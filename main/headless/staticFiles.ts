import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * A URL path with its %-escapes decoded; null when an escape is malformed (`%zz`, a cut-off
 * UTF-8 sequence) or it decodes to a NUL, which no file name holds.
 */
export function decodeUrlPath(urlPath: string): string | null {
  try {
    const decoded = decodeURIComponent(urlPath);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

/**
 * Resolves a URL path inside `root` (never outside it) to a file; unknown paths fall back to
 * index.html so that the single-page app owns its routes. Shared by the headless host and the
 * Electron app:// protocol. A path that does not decode is no file (null).
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  const decoded = decodeUrlPath(urlPath.split('?')[0] ?? '/');
  if (decoded === null) return null;
  const resolved = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (resolved !== root && !resolved.startsWith(root + path.sep)) return null;
  let file = resolved;
  const info = await stat(file).catch(() => null);
  if (!info || info.isDirectory()) {
    if (path.extname(decoded)) return null;
    file = path.join(root, 'index.html');
  }
  const body = await readFile(file).catch(() => null);
  if (!body) return null;
  return { body, contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' };
}
