import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../../common/api/messages';
import { modelSettings } from '../../../common/settings/model';
import { resolveApiKey } from '../../../main/engine/remote/apiKey';
import { remoteModelIdFor } from '../../../main/engine/remote/RemoteModels';
import { parseServerAddress } from '../../../main/engine/remote/serverAddress';

describe('a model cell on a server', () => {
  it('names the server in its source and says the rest in "remote"', () => {
    const parsed = modelSettings.parse({ source: 'openai:http://gpu-box:8000/v1', remote: { model: 'Qwen/QwQ-32B', maxInFlight: 32 } });
    expect(parsed.remote).toMatchObject({ model: 'Qwen/QwQ-32B', maxInFlight: 32, tokenizer: 'server', retries: 8 });
    expect(parseServerAddress(parsed.source)).toEqual({
      source: 'openai:http://gpu-box:8000/v1',
      baseUrl: 'http://gpu-box:8000/v1',
      rootUrl: 'http://gpu-box:8000',
    });
  });

  it('refuses a key in the notebook: no credentials in the URL, no key field', () => {
    const inUrl = modelSettings.safeParse({ source: 'openai:http://user:sk-secret@gpu-box:8000/v1' });
    expect(inUrl.success).toBe(false);
    expect(inUrl.error!.issues[0]!.message).toContain('must not contain credentials');
    const keyField = modelSettings.safeParse({ source: 'openai:http://gpu-box:8000/v1', remote: { apiKey: 'sk-secret' } });
    expect(keyField.success).toBe(false);
    expect(keyField.error!.issues[0]!.path).toEqual(['remote']);
  });

  it('refuses sources that are not http(s) URLs', () => {
    expect(modelSettings.safeParse({ source: 'openai:gpu-box:8000' }).success).toBe(false);
    expect(modelSettings.safeParse({ source: 'openai:ftp://gpu-box/v1' }).success).toBe(false);
    expect(modelSettings.safeParse({ source: 'models/z1-7b.gguf' }).success).toBe(true);
  });

  it('gets one model id per configuration', () => {
    const a = modelSettings.parse({ source: 'openai:http://gpu-box:8000/v1', remote: { model: 'Qwen/QwQ-32B' } });
    const b = modelSettings.parse({ source: 'openai:http://gpu-box:8000/v1', remote: { model: 'Qwen/QwQ-32B', maxInFlight: 4 } });
    expect(remoteModelIdFor(a)).toMatch(/^QwQ-32B@[0-9a-f]{10}$/);
    expect(remoteModelIdFor(a)).toBe(remoteModelIdFor({ ...a }));
    expect(remoteModelIdFor(a)).not.toBe(remoteModelIdFor(b));
    expect(remoteModelIdFor(modelSettings.parse({ source: 'openai:http://127.0.0.1:8080/v1' }))).toMatch(/^127\.0\.0\.1:8080@/);
  });
});

describe('API keys', () => {
  const address = parseServerAddress('openai:http://gpu-box:8000/v1');
  let dir: string;
  let keysFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'z1wb-keys-'));
    keysFile = path.join(dir, 'remote-keys.json');
    await writeFile(keysFile, JSON.stringify({ 'http://gpu-box:8000/v1': 'from-file' }));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('come from the named variable, then the key file, then Z1WB_REMOTE_API_KEY', async () => {
    const env = { MINE: 'from-named', Z1WB_REMOTE_API_KEY: 'from-default' };
    expect(await resolveApiKey(address, { apiKeyEnv: 'MINE' }, { env, keysFile })).toEqual({
      key: 'from-named',
      source: 'the environment variable MINE',
    });
    expect((await resolveApiKey(address, {}, { env, keysFile })).key).toBe('from-file');
    expect((await resolveApiKey(address, {}, { env, keysFile: path.join(dir, 'none.json') })).key).toBe('from-default');
    const none = await resolveApiKey(address, {}, { env: {} });
    expect(none.key).toBeNull();
    expect(none.source).toContain('Z1WB_REMOTE_API_KEY');
  });

  it('a named variable that is not set, or a broken key file, is a clear error', async () => {
    const unset = await resolveApiKey(address, { apiKeyEnv: 'NOPE' }, { env: {} }).catch((e: ApiError) => e);
    expect(unset).toMatchObject({ code: 'remote-settings' });
    expect((unset as ApiError).message).toContain('NOPE, which is not set');
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"http://gpu-box:8000/v1": 42}');
    const bad = await resolveApiKey(address, {}, { env: {}, keysFile: broken }).catch((e: ApiError) => e);
    expect(bad).toMatchObject({ code: 'remote-settings' });
  });
});
