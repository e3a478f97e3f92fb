import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type EventMessage } from '../../../common/api/messages';
import { Dispatcher } from '../../../main/messaging/Dispatcher';
import { EventHub } from '../../../main/messaging/EventHub';
import { createModelHandlers } from '../../../main/engine-process/modelHandlers';
import { inspectGguf } from '../../../main/engine/models/ggufInspection';
import { downloadModel, findDownloadedModel, type DownloadProgress } from '../../../main/engine/models/huggingFaceDownload';
import { ModelRegistry } from '../../../main/engine/models/ModelRegistry';
import { ggufLayout, tinyLlama } from '../../unit/models/ggufTestFiles';
import { startFakeHub, type FakeHub } from './fakeHub';

let dir: string;
let hub: FakeHub;
let content: Buffer;
const URI = 'hf:test-user/Tiny-Reasoner-GGUF:Q8_0';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-download-'));
  // A valid GGUF header followed by ~34 MB of random "weights", so a resumed file can be compared
  // byte for byte. ipull fetches 5 MB chunks over 3 connections and keeps only whole chunks: a
  // resume needs a file of several chunks.
  const { header, totalBytes } = ggufLayout(tinyLlama({ widthFactor: 28, name: 'Tiny Reasoner' }));
  content = Buffer.concat([header, randomBytes(totalBytes - header.length)]);
  hub = await startFakeHub([
    { user: 'test-user', repo: 'Tiny-Reasoner-GGUF', tag: 'Q8_0', filename: 'Tiny-Reasoner.Q8_0.gguf', content },
  ]);
});

afterEach(() => {
  hub.bytesPerTick = 0;
  hub.requests.length = 0;
});

afterAll(async () => {
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('downloading hf: models through the hub endpoint override', () => {
  it('resolves the quantization through the manifest, downloads with progress, and gives a valid GGUF', async () => {
    const modelsDir = path.join(dir, 'models-1');
    const progress: DownloadProgress[] = [];
    const downloaded = await downloadModel(URI, { modelsDir, endpoint: hub.endpoint, onProgress: (p) => progress.push(p) });
    expect(path.dirname(downloaded.path)).toBe(modelsDir);
    expect(downloaded.fileBytes).toBe(content.length);
    expect((await readFile(downloaded.path)).equals(content)).toBe(true);
    expect(progress.at(-1)).toEqual({ downloadedBytes: content.length, totalBytes: content.length });
    expect((await inspectGguf(downloaded.path)).info.name).toBe('Tiny Reasoner');

    const manifest = hub.requests.find((r) => r.path.startsWith('/v2/'));
    expect(manifest).toMatchObject({ path: '/v2/test-user/Tiny-Reasoner-GGUF/manifests/Q8_0', userAgent: 'llama-cpp' });
    expect(hub.requests.some((r) => r.path === '/test-user/Tiny-Reasoner-GGUF/resolve/main/Tiny-Reasoner.Q8_0.gguf?download=true')).toBe(true);
    expect(hub.requests.some((r) => r.path.startsWith('/cdn/'))).toBe(true);

    // Already in the models folder: found without any request.
    hub.requests.length = 0;
    expect(await findDownloadedModel(URI, { modelsDir, endpoint: hub.endpoint })).toBe(downloaded.path);
    expect((await downloadModel(URI, { modelsDir, endpoint: hub.endpoint })).path).toBe(downloaded.path);
    expect(hub.requests).toEqual([]);
  });

  it('keeps the partial file on cancel and resumes it with range requests', async () => {
    const modelsDir = path.join(dir, 'models-2');
    hub.bytesPerTick = 128 * 1024; // ~12 MB/s: the download takes over a second
    const controller = new AbortController();
    const error = await caught(
      downloadModel(URI, {
        modelsDir,
        endpoint: hub.endpoint,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.downloadedBytes > content.length * 0.7) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('download-cancelled');
    expect(error.message).toContain(URI);
    const partial = (await readdir(modelsDir)).filter((f) => f.endsWith('.ipull'));
    expect(partial).toHaveLength(1);

    hub.requests.length = 0;
    hub.bytesPerTick = 0;
    const progress: DownloadProgress[] = [];
    const resumed = await downloadModel(URI, { modelsDir, endpoint: hub.endpoint, onProgress: (p) => progress.push(p) });
    expect((await readFile(resumed.path)).equals(content)).toBe(true);
    // The resumed download asked only for the chunks that were missing.
    const ranges = hub.requests
      .filter((r) => r.path.startsWith('/cdn/') && r.range)
      .map((r) => /bytes=(\d+)-(\d+)/.exec(r.range!)!.slice(1).map(Number) as [number, number]);
    expect(ranges.length).toBeGreaterThan(0);
    const requested = ranges.reduce((sum, [start, end]) => sum + end - start + 1, 0);
    expect(requested).toBeLessThanOrEqual(content.length - 5 * 1024 * 1024);
    expect(progress[0]!.downloadedBytes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect((await readdir(modelsDir)).filter((f) => f.endsWith('.ipull'))).toEqual([]);
    // The cancelled download's retried writes came 1-2 s after its cancel and made a new .ipull
    // beside the model (huggingFaceDownload.ts): nothing else may appear later either.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await readdir(modelsDir)).sort()).toEqual([path.basename(resumed.path)]);
    expect((await readFile(resumed.path)).equals(content)).toBe(true);
  });

  it('says download-failed, naming the URI, for a quantization the repository does not have', async () => {
    const error = await caught(downloadModel('hf:test-user/Tiny-Reasoner-GGUF:Q2_K', { modelsDir: dir, endpoint: hub.endpoint }));
    expect(error.code).toBe('download-failed');
    expect(error.message).toContain('hf:test-user/Tiny-Reasoner-GGUF:Q2_K');
    expect(error.message).toContain('Q2_K');
  });

  it('downloads through the engine API (endpoint from MODEL_ENDPOINT) with progress events and cancel', async () => {
    const saved = process.env.MODEL_ENDPOINT;
    process.env.MODEL_ENDPOINT = hub.endpoint;
    try {
      const events = new EventHub();
      const seen: EventMessage[] = [];
      events.subscribe((m) => seen.push(m));
      const registry = new ModelRegistry({ modelsDir: path.join(dir, 'models-3') });
      const dispatcher = new Dispatcher(createModelHandlers(registry, events));

      hub.bytesPerTick = 16 * 1024;
      const first = dispatcher.handle({
        type: 'request',
        id: 1,
        method: 'engine.downloadModel',
        params: { source: URI, downloadId: 'd1' },
      });
      while (!seen.some((m) => m.event === 'engine.downloadProgress')) await new Promise((r) => setTimeout(r, 20));
      const cancel = await dispatcher.handle({ type: 'request', id: 2, method: 'engine.cancelDownload', params: { downloadId: 'd1' } });
      expect(cancel).toMatchObject({ result: { cancelled: true } });
      expect(await first).toMatchObject({ error: { code: 'download-cancelled' } });

      hub.bytesPerTick = 0;
      const second = await dispatcher.handle({
        type: 'request',
        id: 3,
        method: 'engine.downloadModel',
        params: { source: URI, downloadId: 'd2' },
      });
      expect(second).toMatchObject({ result: { downloadId: 'd2', fileBytes: content.length } });
      const last = seen.filter((m) => m.event === 'engine.downloadProgress').at(-1);
      expect(last?.data).toMatchObject({ downloadId: 'd2', source: URI, downloadedBytes: content.length, totalBytes: content.length });
    } finally {
      if (saved === undefined) delete process.env.MODEL_ENDPOINT;
      else process.env.MODEL_ENDPOINT = saved;
    }
  });
});
