import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../../main/headless/contentSecurityPolicy';
import { mainWindowOptions, secureWebPreferences } from '../../../main/electron/windowOptions';
import { REPO_ROOT } from '../../helpers/headlessHost';

/**
 * The Electron security checklist as a test: it reads the window options, the built main and
 * preload bundles and both CSPs, and fails when any setting is loosened. Launching Electron is
 * not possible here, so these are checks of what would run, not of a running app.
 */

const OUT = path.join(REPO_ROOT, 'out');
let mainBundle: string;
let preloadBundle: string;
let rendererHtml: string;

beforeAll(() => {
  const needed = ['main/index.js', 'preload/index.cjs', 'renderer/index.html'].map((f) => path.join(OUT, f));
  if (!needed.every((f) => existsSync(f))) {
    execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  [mainBundle, preloadBundle, rendererHtml] = needed.map((f) => readFileSync(f, 'utf8')) as [string, string, string];
  mainBundle = withoutComments(mainBundle);
  preloadBundle = withoutComments(preloadBundle);
});

/** The bundles keep source comments (which mention, say, 'unsafe-eval' to forbid it); only code counts. */
function withoutComments(bundle: string): string {
  return bundle
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
}

type Csp = Map<string, string[]>;

function parseCsp(policy: string): Csp {
  const directives: Csp = new Map();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

/** Everything that would let injected or remote code run; empty when the policy is strict. */
function cspLoosenings(policy: string): string[] {
  const csp = parseCsp(policy);
  const problems: string[] = [];
  if (/unsafe-eval|wasm-unsafe-eval|unsafe-hashes/i.test(policy)) problems.push('allows eval');
  const defaultSrc = csp.get('default-src');
  if (defaultSrc?.join(' ') !== "'self'") problems.push(`default-src is ${defaultSrc?.join(' ')}`);
  const scriptSrc = csp.get('script-src') ?? defaultSrc ?? [];
  if (scriptSrc.join(' ') !== "'self'") problems.push(`script-src is ${scriptSrc.join(' ')}`);
  if (csp.get('object-src')?.join(' ') !== "'none'") problems.push("object-src is not 'none'");
  if (csp.get('base-uri')?.join(' ') !== "'none'") problems.push("base-uri is not 'none'");
  for (const [name, values] of csp) {
    for (const value of values) {
      if (value === '*' || /^(https?|wss?):?$/i.test(value) || /^(https?|wss?):\/\//i.test(value)) {
        problems.push(`${name} allows remote content (${value})`);
      }
    }
  }
  const connect = csp.get('connect-src') ?? defaultSrc ?? [];
  if (connect.some((v) => v !== "'self'")) problems.push(`connect-src is ${connect.join(' ')}`);
  return problems;
}

describe('window options', () => {
  const expected = {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
  };

  it('isolate, sandbox and keep Node out of the renderer, with web security on', () => {
    expect(secureWebPreferences('/p/index.cjs')).toMatchObject({ preload: '/p/index.cjs', ...expected });
  });

  it('are what the main window gets, wherever it is placed', () => {
    for (const placement of [
      { width: 800, height: 600, maximized: false },
      { x: -1000, y: 5, width: 3000, height: 2000, maximized: true },
    ]) {
      expect(mainWindowOptions(placement, '/p/index.cjs').webPreferences).toEqual(secureWebPreferences('/p/index.cjs'));
    }
  });

  it('set nothing that turns a protection off', () => {
    const prefs = secureWebPreferences('/p') as Record<string, unknown>;
    for (const key of ['enableRemoteModule', 'enableBlinkFeatures', 'additionalArguments', 'disableBlinkFeatures']) {
      expect(prefs, key).not.toHaveProperty(key);
    }
  });
});

describe('built main bundle (out/main/index.js)', () => {
  it('contains the secure preferences and none of their loosened forms', () => {
    for (const [key, value] of Object.entries({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    })) {
      expect(mainBundle, `${key}: ${value}`).toContain(`${key}: ${value}`);
    }
    for (const loose of [
      /contextIsolation:\s*(false|!1)/,
      /sandbox:\s*(false|!1)/,
      /nodeIntegration(InWorker|InSubFrames)?:\s*(true|!0)/,
      /webSecurity:\s*(false|!1)/,
      /allowRunningInsecureContent:\s*(true|!0)/,
      /webviewTag:\s*(true|!0)/,
      /experimentalFeatures:\s*(true|!0)/,
      /enableRemoteModule/,
      /enableBlinkFeatures/,
      /unsafe-eval/,
      /disable-web-security|ignore-certificate-errors|no-sandbox|allow-insecure-localhost/,
      /setCertificateVerifyProc|certificate-error/,
      /ipcMain\.on\(/,
      /loadFile\(|loadURL\(["'`]https?:/,
    ]) {
      expect(mainBundle, String(loose)).not.toMatch(loose);
    }
  });

  it('sandboxes every renderer and serves the app from its own privileged scheme', () => {
    expect(mainBundle).toContain('app.enableSandbox()');
    expect(mainBundle).toMatch(/registerSchemesAsPrivileged\(/);
    expect(mainBundle).toMatch(/protocol\.handle\(/);
    expect(mainBundle).toMatch(/loadURL\(`\$\{APP_ORIGIN\}\/index\.html`\)/);
  });

  it('blocks navigation, redirects, webviews and new windows', () => {
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      expect(mainBundle, event).toContain(`"${event}"`);
    }
    expect(mainBundle).toMatch(/setWindowOpenHandler\(/);
    expect(mainBundle).toMatch(/action:\s*"deny"/);
    expect(mainBundle).not.toMatch(/action:\s*"allow"/);
    expect(mainBundle).toMatch(/on\("web-contents-created"/);
  });

  it('denies permission requests and checks', () => {
    expect(mainBundle).toMatch(/setPermissionRequestHandler\(/);
    expect(mainBundle).toMatch(/setPermissionCheckHandler\(/);
  });

  it('checks the IPC sender before handing a payload to the validating API', () => {
    expect(mainBundle).toMatch(/ipcMain\.handle\(IPC_REQUEST/);
    expect(mainBundle).toMatch(/answerIpcRequest\(api,/);
    expect(mainBundle).toMatch(/if \(!isTrustedSender\(frame\)\)/);
  });
});

describe('built preload (out/preload/index.cjs)', () => {
  it('is CommonJS with its imports bundled in, as a sandboxed renderer needs', () => {
    expect(preloadBundle).toMatch(/require\("electron"\)/);
    expect(preloadBundle).not.toMatch(/^\s*import\s/m);
    expect(preloadBundle.match(/require\("([^"]+)"\)/g)).toEqual(['require("electron")']);
  });

  it('exposes the API envelope as window.z1 and nothing else', () => {
    expect(preloadBundle.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preloadBundle).toMatch(/exposeInMainWorld\("z1", \{/);
    expect(preloadBundle).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
    expect(preloadBundle).not.toMatch(/ipcRenderer\.(send|sendSync|sendTo|postMessage)\(/);
  });
});

describe('content security policy', () => {
  it('the host sends (RENDERER_CSP) is strict: no eval, scripts only from the app, no remote content', () => {
    expect(cspLoosenings(RENDERER_CSP)).toEqual([]);
    expect(parseCsp(RENDERER_CSP).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it("in the built page's meta tag is strict too, and no looser than the header", () => {
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(rendererHtml);
    expect(meta, 'out/renderer/index.html has a CSP meta tag').not.toBeNull();
    const policy = meta![1]!;
    expect(cspLoosenings(policy)).toEqual([]);
    const header = parseCsp(RENDERER_CSP);
    for (const [name, values] of parseCsp(policy)) {
      expect(values, name).toEqual(header.get(name));
    }
  });

  it('the checks catch a loosened policy (so a pass means something)', () => {
    expect(cspLoosenings(RENDERER_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"))).not.toEqual([]);
    expect(
      cspLoosenings(RENDERER_CSP.replace("script-src 'self'", "script-src 'self' https://cdn.example")),
    ).not.toEqual([]);
    expect(cspLoosenings(RENDERER_CSP.replace("connect-src 'self'", 'connect-src *'))).not.toEqual([]);
    expect(cspLoosenings(RENDERER_CSP.replace("object-src 'none'", ''))).not.toEqual([]);
  });
});
