import { createHash } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFingerprints } from '../../../main/fingerprints/fileFingerprint';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-sha-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fingerprinting model files', () => {
  it('computes the sha256 once and remembers it by path, size and mtime, across processes', async () => {
    const file = path.join(dir, 'model.gguf');
    const content = Buffer.alloc(3 * (1 << 20), 7);
    await writeFile(file, content);
    const expected = createHash('sha256').update(content).digest('hex');
    const cacheFile = path.join(dir, 'fingerprints.json');

    const first = new FileFingerprints({ cacheFile });
    const [a, b] = await Promise.all([first.sha256(file), first.sha256(file)]);
    expect(a).toBe(expected);
    expect(b).toBe(expected);
    expect(await first.sha256(file)).toBe(expected);
    expect(first.hashedFiles).toBe(1);

    // A fresh instance (a restarted engine) reads the cache file instead of the model.
    const second = new FileFingerprints({ cacheFile });
    expect(await second.cached(file)).toBe(expected);
    expect(await second.sha256(file)).toBe(expected);
    expect(second.hashedFiles).toBe(0);
  });

  it('computes again when the file changes (new mtime or size)', async () => {
    const file = path.join(dir, 'changing.gguf');
    const cacheFile = path.join(dir, 'fingerprints-2.json');
    await writeFile(file, 'one');
    const fingerprints = new FileFingerprints({ cacheFile });
    const before = await fingerprints.sha256(file);
    await writeFile(file, 'two');
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const after = await fingerprints.sha256(file);
    expect(after).not.toBe(before);
    expect(after).toBe(createHash('sha256').update('two').digest('hex'));
    expect(fingerprints.hashedFiles).toBe(2);
  });
});
