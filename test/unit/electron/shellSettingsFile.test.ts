import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readShellSettings, writeShellSettings } from '../../../main/electron/shellSettingsFile';

const schema = z.object({ n: z.number() });

describe('shell settings files', () => {
  it('writes readable JSON, creating the folder, and leaves no temporary file behind', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'z1wb-settings-')), 'nested');
    const file = path.join(dir, 'x.json');
    await writeShellSettings(file, { n: 3 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ n: 3 });
    expect(await readdir(dir)).toEqual(['x.json']);
    expect(await readShellSettings(file, schema)).toEqual({ n: 3 });
  });

  it('reads a missing, malformed or wrongly shaped file as "no settings"', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-settings-'));
    const file = path.join(dir, 'x.json');
    expect(await readShellSettings(file, schema)).toBeNull();
    await writeShellSettings(file, { n: 'three' });
    expect(await readShellSettings(file, schema)).toBeNull();
  });
});
