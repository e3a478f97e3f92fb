import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Hugging Face hub, serving what node-llama-cpp 3.21.1 asks for when it
 * resolves `hf:<user>/<repo>:<quant>` (utils/parseModelUri.js, utils/createModelDownloader.js):
 *
 *   GET /v2/<user>/<repo>/manifests/<TAG>          (User-Agent: llama-cpp)
 *       → 200 {"ggufFile": {"rfilename", "blobId", "size"}} or 404 like the hub
 *   GET /<user>/<repo>/resolve/main/<file>?download=true
 *       → 302 to /cdn/<sha256> (the real hub redirects LFS files to its CDN), where
 *   GET /cdn/<sha256>   (with or without Range: bytes=a-b)
 *       → 200 or 206 with Accept-Ranges, Content-Length, Content-Range, ETag, Content-Disposition
 *
 * Bodies can be throttled so that a test can cancel a download half way; every request is logged.
 */
export interface HubFile {
  user: string;
  repo: string;
  /** Quantization tag the manifest answers to (upper case, as node-llama-cpp sends it). */
  tag: string;
  filename: string;
  content: Buffer;
}

export interface HubRequest {
  method: string;
  path: string;
  range: string | null;
  userAgent: string | null;
}

export interface FakeHub {
  /** Base URL with a trailing slash, for HF_ENDPOINT / MODEL_ENDPOINT or the endpoint option. */
  endpoint: string;
  requests: HubRequest[];
  /** Bytes per 10 ms tick for file bodies (0 = unthrottled). */
  bytesPerTick: number;
  close(): Promise<void>;
}

export async function startFakeHub(files: HubFile[], options: { bytesPerTick?: number } = {}): Promise<FakeHub> {
  const bySha = new Map<string, HubFile>();
  const sha = (file: HubFile) => createHash('sha256').update(file.content).digest('hex');
  for (const file of files) bySha.set(sha(file), file);
  const requests: HubRequest[] = [];
  const hub: FakeHub = {
    endpoint: '',
    requests,
    bytesPerTick: options.bytesPerTick ?? 0,
    close: async () => undefined,
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const sendFile = (req: IncomingMessage, res: ServerResponse, file: HubFile) => {
    const total = file.content.length;
    const headers: Record<string, string | number> = {
      'accept-ranges': 'bytes',
      etag: `"${sha(file)}"`,
      'content-type': 'binary/octet-stream',
      'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}; filename="${file.filename}"`,
    };
    let start = 0;
    let end = total - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), total - 1) : total - 1;
      if (start >= total || start > end) {
        res.writeHead(416, { 'content-range': `bytes */${total}` });
        res.end();
        return;
      }
      res.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${total}` });
    } else {
      res.writeHead(200, { ...headers, 'content-length': total });
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const body = file.content.subarray(start, end + 1);
    if (!hub.bytesPerTick) {
      res.end(body);
      return;
    }
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      const chunk = body.subarray(sent, sent + hub.bytesPerTick);
      sent += chunk.length;
      if (sent >= body.length) {
        clearInterval(timer);
        res.end(chunk);
      } else {
        res.write(chunk);
      }
    }, 10);
    res.on('close', () => clearInterval(timer));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      range: req.headers.range ?? null,
      userAgent: req.headers['user-agent'] ?? null,
    });
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'v2' && parts[3] === 'manifests') {
      const [, user, repo, , tag] = parts;
      const file = files.find((f) => f.user === user && f.repo === repo && f.tag === tag);
      if (!file) return json(res, 404, { error: `Repository or tag not found: ${user}/${repo}:${tag}` });
      return json(res, 200, {
        ggufFile: { rfilename: file.filename, blobId: `sha256:${sha(file)}`, size: file.content.length },
      });
    }
    if (parts[2] === 'resolve') {
      const [user, repo, , branch, ...rest] = parts;
      const file = files.find((f) => f.user === user && f.repo === repo && f.filename === rest.join('/'));
      if (!file || branch !== 'main') return json(res, 404, { error: 'Entry not found' });
      res.writeHead(302, { location: `/cdn/${sha(file)}` });
      return res.end();
    }
    if (parts[0] === 'cdn' && parts[1]) {
      const file = bySha.get(parts[1]);
      if (file) return sendFile(req, res, file);
    }
    json(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  hub.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return hub;
}
