/**
 * The renderer's Content-Security-Policy, the same in the Electron app (app:// protocol) and the
 * headless host (HTTP header). No 'unsafe-eval'; Monaco needs inline styles and blob workers;
 * Plotly's PNG export needs data:/blob: images.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
