import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// electron-builder's own loader and schema check (app-builder-lib and builder-util are exact
// dependencies of electron-builder), so a misspelt option fails here, not on a release day.
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { REPO_ROOT } from '../../helpers/headlessHost';

/**
 * `npm run dist` downloads Electron and so cannot run here or in CI; this checks what can be
 * checked without it: the configuration loads and matches electron-builder's schema, and keeps
 * the settings the app depends on.
 */
describe('electron-builder configuration (electron-builder.yml)', () => {
  async function loaded() {
    const config = await getConfig(REPO_ROOT, 'electron-builder.yml', null);
    await validateConfiguration(config, new DebugLogger(false));
    return config;
  }

  it("loads and passes electron-builder's schema", async () => {
    await expect(loaded()).resolves.toMatchObject({ appId: 'org.z1workbench.desktop', productName: 'Z1 Workbench' });
  });

  it('rejects a misspelt option (so the check above means something)', async () => {
    const config = await loaded();
    const misspelt = { ...config, mac: { ...config.mac, hardenedRuntme: true } };
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/Invalid configuration/);
  });

  it("packs the built app only, and keeps node-llama-cpp's native binaries out of the asar archive", async () => {
    const config = await loaded();
    const files = JSON.stringify(config.files);
    expect(files).toContain('out/**');
    expect(files).not.toMatch(/"(main|renderer|preload|common|test)\//);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['node_modules/node-llama-cpp/**', 'node_modules/@node-llama-cpp/**']);
    expect(config.npmRebuild).toBe(false);
  });

  it('builds AppImage and deb on Linux, a hardened dmg on macOS and an NSIS installer on Windows', async () => {
    const config = await loaded();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac).toMatchObject({ target: 'dmg', hardenedRuntime: true });
    expect(config.win?.target).toBe('nsis');
    expect(config.publish).toBeNull();
  });

  it('associates .z1.json notebooks with the app and ships the README for the Help menu', async () => {
    const config = await loaded();
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'z1.json', role: 'Editor' })]);
    expect(config.extraResources).toEqual([{ from: 'README.md', to: 'README.md' }]);
  });

  it('is what `npm run dist` runs, after building the app', () => {
    const scripts = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    expect(scripts.dist).toBe('electron-vite build && electron-builder');
  });
});
