import { APP_ORIGIN } from './windowOptions';

/** What the IPC guard needs to know about the frame a message came from. */
export interface SenderFrame {
  url: string;
  /** false for iframes: the app has none, so a message from one is never trusted. */
  isMainFrame: boolean;
}

/**
 * Whether a URL belongs to the app itself (served by the `app://workbench` protocol). Compared
 * by parsed origin, not by string prefix, so `app://workbench.evil/` or `app://workbench@x/` do
 * not pass.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN && parsed.username === '' && parsed.password === '';
}

/**
 * Electron's security checklist, item "validate the sender of all IPC messages": only the app's
 * own top-level page may call the API. A frame that navigated elsewhere, an iframe, or a missing
 * frame (destroyed mid-call) is refused.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return !!frame && frame.isMainFrame && isAppUrl(frame.url);
}

/** Links the user may open in the system browser (Help pages, paper links); everything else is dropped. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

export const FORBIDDEN_SENDER_RESPONSE = {
  type: 'response',
  id: -1,
  error: { code: 'forbidden', message: 'IPC from a frame outside the app' },
} as const;
