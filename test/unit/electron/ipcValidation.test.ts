import { describe, expect, it, vi } from 'vitest';
import type { ResponseMessage } from '../../../common/api/messages';
import { Dispatcher } from '../../../main/messaging/Dispatcher';
import { answerIpcRequest, createDesktopApi } from '../../../main/electron/desktopApi';
import { isAppUrl, isExternalLinkAllowed, isTrustedSender } from '../../../main/electron/ipcGuard';

const appFrame = { url: 'app://workbench/index.html', isMainFrame: true };

/** The desktop API over a Workbench stand-in that answers app.info, and shell handlers that record calls. */
function desktopApi() {
  const workbench = new Dispatcher({
    'app.info': () => ({
      name: 'Z1 Workbench',
      version: '0',
      host: 'electron' as const,
      platform: 'linux',
      arch: 'x64',
      nodeVersion: '22',
      storeDir: '/s',
      startupNotebook: null,
    }),
  });
  const saveDialog = vi.fn(() => ({ canceled: true, path: null }));
  const addRecent = vi.fn((params: { path: string }) => ({ paths: [params.path] }));
  const api = createDesktopApi(workbench, { 'shell.showSaveDialog': saveDialog, 'shell.addRecentFile': addRecent });
  return { api, saveDialog, addRecent };
}

function errorOf(answer: ResponseMessage) {
  return 'error' in answer ? answer.error : null;
}

describe('isTrustedSender', () => {
  it('trusts only the app page in the top-level frame', () => {
    expect(isTrustedSender(appFrame)).toBe(true);
    expect(isTrustedSender({ url: 'app://workbench/', isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ ...appFrame, isMainFrame: false })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });

  it('compares origins, not string prefixes', () => {
    for (const url of [
      'https://workbench/index.html',
      'app://workbench.evil.example/index.html',
      'app://workbench:8080/index.html',
      'app://user@workbench/index.html',
      'app://other/index.html',
      'file:///app/workbench/index.html',
      'about:blank',
      '',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
      expect(isTrustedSender({ url, isMainFrame: true }), url).toBe(false);
    }
  });
});

describe('isExternalLinkAllowed', () => {
  it('lets only https links out to the system browser', () => {
    expect(isExternalLinkAllowed('https://arxiv.org/abs/2504.00810')).toBe(true);
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'x']) {
      expect(isExternalLinkAllowed(url), url).toBe(false);
    }
  });
});

describe('IPC requests: sender check, then validation of every payload', () => {
  it('answers a valid request from the app page', async () => {
    const { api } = desktopApi();
    const answer = await answerIpcRequest(api, appFrame, { type: 'request', id: 1, method: 'app.info', params: {} });
    expect(answer).toMatchObject({ id: 1, result: { host: 'electron' } });
  });

  it('refuses a foreign frame before looking at the payload, echoing the id so the call settles', async () => {
    const { api, saveDialog } = desktopApi();
    const request = { type: 'request', id: 5, method: 'shell.showSaveDialog', params: {} };
    const answer = await answerIpcRequest(api, { url: 'https://evil.example/', isMainFrame: true }, request);
    expect(answer).toEqual({
      type: 'response',
      id: 5,
      error: { code: 'forbidden', message: 'IPC from a frame outside the app' },
    });
    expect(saveDialog).not.toHaveBeenCalled();
  });

  const badPayloads: Array<[string, unknown, string]> = [
    ['a string', 'junk', 'message'],
    ['null', null, 'message'],
    ['an array', [1, 2], 'message'],
    ['a response instead of a request', { type: 'response', id: 1, result: {} }, 'message.type'],
    ['a negative id', { type: 'request', id: -3, method: 'app.info', params: {} }, 'message.id'],
    ['a fractional id', { type: 'request', id: 1.5, method: 'app.info', params: {} }, 'message.id'],
    ['a numeric method', { type: 'request', id: 1, method: 7, params: {} }, 'message.method'],
    ['an empty method', { type: 'request', id: 1, method: '', params: {} }, 'message.method'],
    ['extra params', { type: 'request', id: 1, method: 'app.info', params: { admin: true } }, 'params'],
    ['params of the wrong type', { type: 'request', id: 1, method: 'app.info', params: 'x' }, 'params'],
    [
      'a dialog filter without extensions',
      { type: 'request', id: 1, method: 'shell.showSaveDialog', params: { filters: [{ name: 'N' }] } },
      'params.filters[0].extensions',
    ],
    [
      'a dialog extension with a path in it',
      {
        type: 'request',
        id: 1,
        method: 'shell.showSaveDialog',
        params: { filters: [{ name: 'N', extensions: ['../../etc'] }] },
      },
      'params.filters[0].extensions[0]',
    ],
    [
      'an ensureExtension without its dot',
      { type: 'request', id: 1, method: 'shell.showSaveDialog', params: { ensureExtension: 'z1.json' } },
      'params.ensureExtension',
    ],
    [
      'a title of the wrong type',
      { type: 'request', id: 1, method: 'shell.showSaveDialog', params: { title: 42 } },
      'params.title',
    ],
    [
      'an unknown dialog option',
      { type: 'request', id: 1, method: 'shell.showSaveDialog', params: { properties: ['openDirectory'] } },
      'params',
    ],
    [
      'an empty recent path',
      { type: 'request', id: 1, method: 'shell.addRecentFile', params: { path: '' } },
      'params.path',
    ],
    [
      'a huge recent path',
      { type: 'request', id: 1, method: 'shell.addRecentFile', params: { path: 'x'.repeat(5000) } },
      'params.path',
    ],
    ['a missing recent path', { type: 'request', id: 1, method: 'shell.addRecentFile', params: {} }, 'params.path'],
  ];

  it.each(badPayloads)('rejects %s as invalid-params naming the field', async (_what, raw, path) => {
    const { api, saveDialog, addRecent } = desktopApi();
    const error = errorOf(await answerIpcRequest(api, appFrame, raw));
    expect(error).toMatchObject({ code: 'invalid-params', path });
    expect(saveDialog).not.toHaveBeenCalled();
    expect(addRecent).not.toHaveBeenCalled();
  });

  it('rejects an unknown method by name', async () => {
    const { api } = desktopApi();
    const answer = await answerIpcRequest(api, appFrame, { type: 'request', id: 2, method: 'fs.readFile', params: {} });
    expect(answer).toMatchObject({ id: 2, error: { code: 'unknown-method' } });
  });

  it('routes shell methods to the shell handlers with parsed params and everything else to the Workbench', async () => {
    const { api, addRecent } = desktopApi();
    const answer = await answerIpcRequest(api, appFrame, {
      type: 'request',
      id: 3,
      method: 'shell.addRecentFile',
      params: { path: '/n.z1.json' },
    });
    expect(answer).toEqual({ type: 'response', id: 3, result: { paths: ['/n.z1.json'] } });
    expect(addRecent).toHaveBeenCalledWith({ path: '/n.z1.json' });
  });

  it('does not let a request name an inherited property to reach the shell side', async () => {
    const { api } = desktopApi();
    const answer = await answerIpcRequest(api, appFrame, { type: 'request', id: 4, method: 'toString', params: {} });
    expect(answer).toMatchObject({ id: 4, error: { code: 'unknown-method' } });
  });
});
