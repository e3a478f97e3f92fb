import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { guardWebContents, isPermissionAllowed } from '../../../main/electron/webContentsGuards';

class Contents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
}

function guarded() {
  const contents = new Contents();
  const opened: string[] = [];
  guardWebContents(contents, (url) => opened.push(url));
  return { contents, opened };
}

function navigation(url: string) {
  return { url, preventDefault: vi.fn() };
}

describe('guardWebContents', () => {
  it('blocks navigation, frame navigation and redirects away from the app', () => {
    const { contents } = guarded();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/', 'javascript:alert(1)']) {
        const e = navigation(url);
        contents.emit(event, e, url);
        expect(e.preventDefault, `${event} ${url}`).toHaveBeenCalled();
      }
      const inside = navigation('app://workbench/index.html');
      contents.emit(event, inside, inside.url);
      expect(inside.preventDefault).not.toHaveBeenCalled();
    }
  });

  it('reads the URL from the positional argument when the event carries none', () => {
    const { contents } = guarded();
    const e = { preventDefault: vi.fn() };
    contents.emit('will-navigate', e, 'https://evil.example/');
    expect(e.preventDefault).toHaveBeenCalled();
  });

  it('refuses <webview> tags', () => {
    const { contents } = guarded();
    const e = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', e, {}, {});
    expect(e.preventDefault).toHaveBeenCalled();
  });

  it('denies every new window and sends only https links to the system browser', () => {
    const { contents, opened } = guarded();
    for (const url of [
      'https://arxiv.org/abs/2501.19393',
      'http://x.example',
      'file:///etc/passwd',
      'app://workbench/',
    ]) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://arxiv.org/abs/2501.19393']);
  });
});

describe('isPermissionAllowed', () => {
  it('refuses devices, location, notifications and the rest, allowing only clipboard writes', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'pointerLock',
      'fullscreen',
      'openExternal',
      'clipboard-read',
      'display-capture',
      'hid',
      'serial',
      'usb',
      'unknown',
    ]) {
      expect(isPermissionAllowed(permission), permission).toBe(false);
    }
    expect(isPermissionAllowed('clipboard-sanitized-write')).toBe(true);
  });
});
