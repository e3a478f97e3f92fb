import { RENDERER_CSP } from '../headless/contentSecurityPolicy';
import { readStaticFile } from '../headless/staticFiles';
import { APP_ORIGIN } from './windowOptions';

const SECURITY_HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
};

/**
 * Serves the built renderer for the `app://workbench` protocol (Electron's recommended
 * alternative to file://): only GET/HEAD, only that host, only files inside `rendererDir`
 * (readStaticFile refuses `..`), each with the strict CSP as a header as well as the page's meta
 * tag. Plain Fetch API types, so it is tested without Electron.
 */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: SECURITY_HEADERS });
    }
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return new Response('bad request', { status: 400, headers: SECURITY_HEADERS });
    }
    if (`${url.protocol}//${url.host}` !== APP_ORIGIN) {
      return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    }
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    const body = request.method === 'HEAD' ? null : new Uint8Array(file.body);
    return new Response(body, { headers: { ...SECURITY_HEADERS, 'Content-Type': file.contentType } });
  };
}
