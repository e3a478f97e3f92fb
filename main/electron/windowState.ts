import { z } from 'zod';

/**
 * The main window's size and position, remembered between sessions. Pure functions: the
 * Electron glue reads the displays and the saved file and hands them in, so the rules that bring
 * a window back on screen are tested as data.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const windowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowState>;

/** Where the window opens: `x`/`y` are absent when it should be centred by the OS. */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_SIZE = { width: 1400, height: 900 };
export const MIN_WINDOW_SIZE = { width: 800, height: 560 };

/**
 * How much of the title bar must be on a display for a saved position to count as visible;
 * anything less (a monitor unplugged, a resolution lowered) and the window comes back centred
 * on the primary display instead of somewhere nobody can grab it.
 */
const MIN_VISIBLE = { width: 120, height: 40 };

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

function clampSize(width: number, height: number, area: Rect): { width: number; height: number } {
  return {
    width: Math.min(Math.max(width, Math.min(MIN_WINDOW_SIZE.width, area.width)), area.width),
    height: Math.min(Math.max(height, Math.min(MIN_WINDOW_SIZE.height, area.height)), area.height),
  };
}

/**
 * Restores a saved state onto the displays there are now (their work areas, primary first).
 * A window whose title bar is visible on some display keeps its place, nudged fully inside that
 * display; otherwise it opens centred on the primary display. Its size never exceeds the work
 * area it lands on.
 */
export function restoreWindowPlacement(saved: WindowState | null, workAreas: readonly Rect[]): WindowPlacement {
  const primary = workAreas[0];
  if (!primary) {
    // No display information (should not happen): let the OS place a default-size window.
    return saved
      ? { width: saved.width, height: saved.height, maximized: saved.maximized }
      : { ...DEFAULT_WINDOW_SIZE, maximized: false };
  }
  if (!saved) return { ...clampSize(DEFAULT_WINDOW_SIZE.width, DEFAULT_WINDOW_SIZE.height, primary), maximized: false };

  const titleBar: Rect = { x: saved.x, y: saved.y, width: saved.width, height: MIN_VISIBLE.height };
  let best: { area: Rect; visible: number } | null = null;
  for (const area of workAreas) {
    const overlap = intersection(titleBar, area);
    if (!overlap || overlap.width < Math.min(MIN_VISIBLE.width, saved.width)) continue;
    const visible = overlap.width * overlap.height;
    if (!best || visible > best.visible) best = { area, visible };
  }
  if (!best) return { ...clampSize(saved.width, saved.height, primary), maximized: saved.maximized };

  const { area } = best;
  const size = clampSize(saved.width, saved.height, area);
  const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - size.width);
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - size.height);
  return { x, y, ...size, maximized: saved.maximized };
}

/** What to save when the window closes: its normal (un-maximized) bounds and whether it was maximized. */
export function captureWindowState(normalBounds: Rect, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.max(1, Math.round(normalBounds.width)),
    height: Math.max(1, Math.round(normalBounds.height)),
    maximized,
  };
}
