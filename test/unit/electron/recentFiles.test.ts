import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addRecentPath, MAX_RECENT_FILES, RecentFiles } from '../../../main/electron/recentFiles';

describe('addRecentPath', () => {
  it('puts the newest first and moves a reopened file to the front without duplicating it', () => {
    expect(addRecentPath(['/a.z1.json', '/b.z1.json'], '/b.z1.json')).toEqual(['/b.z1.json', '/a.z1.json']);
  });

  it('keeps at most MAX_RECENT_FILES', () => {
    const many = Array.from({ length: MAX_RECENT_FILES }, (_, i) => `/n${i}.z1.json`);
    const next = addRecentPath(many, '/new.z1.json');
    expect(next).toHaveLength(MAX_RECENT_FILES);
    expect(next[0]).toBe('/new.z1.json');
    expect(next).not.toContain(`/n${MAX_RECENT_FILES - 1}.z1.json`);
  });

  it('stores absolute, normalised paths', () => {
    expect(addRecentPath([], '/x/../y/nb.z1.json')).toEqual(['/y/nb.z1.json']);
  });
});

describe('RecentFiles', () => {
  async function tempFile(): Promise<string> {
    return path.join(await mkdtemp(path.join(os.tmpdir(), 'z1wb-recent-')), 'recent-files.json');
  }

  it('persists additions and reads them back in a new session', async () => {
    const file = await tempFile();
    const first = new RecentFiles(file);
    await first.load();
    await first.add('/p/one.z1.json');
    await first.add('/p/two.z1.json');
    const second = new RecentFiles(file);
    expect(await second.load(async () => true)).toEqual(['/p/two.z1.json', '/p/one.z1.json']);
  });

  it('drops notebooks that were deleted or moved since, and relative paths', async () => {
    const file = await tempFile();
    await writeFile(file, JSON.stringify({ paths: ['/kept.z1.json', '/gone.z1.json', 'relative.z1.json'] }));
    const recent = new RecentFiles(file);
    expect(await recent.load(async (p) => p === '/kept.z1.json')).toEqual(['/kept.z1.json']);
  });

  it('starts empty from a missing or corrupt file instead of failing', async () => {
    const file = await tempFile();
    expect(await new RecentFiles(file).load()).toEqual([]);
    await writeFile(file, '{"paths": [1, 2');
    expect(await new RecentFiles(file).load()).toEqual([]);
    await writeFile(file, '{"paths": "nope"}');
    expect(await new RecentFiles(file).load()).toEqual([]);
  });

  it('tells listeners after every change and clears the file', async () => {
    const file = await tempFile();
    const recent = new RecentFiles(file);
    const seen: Array<readonly string[]> = [];
    recent.onChange((paths) => seen.push(paths));
    await recent.add('/a.z1.json');
    await recent.clear();
    expect(seen).toEqual([['/a.z1.json'], []]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ paths: [] });
  });

  it('hands out copies, so callers cannot change the list behind its back', async () => {
    const recent = new RecentFiles(await tempFile());
    await recent.add('/a.z1.json');
    (recent.list() as string[]).push('/sneaky');
    expect(recent.list()).toEqual(['/a.z1.json']);
  });
});
