import { describe, expect, it } from 'vitest';
import {
  captureWindowState,
  DEFAULT_WINDOW_SIZE,
  restoreWindowPlacement,
  type Rect,
} from '../../../main/electron/windowState';

const laptop: Rect = { x: 0, y: 0, width: 1440, height: 875 };
const monitorRight: Rect = { x: 1440, y: 0, width: 2560, height: 1415 };
const monitorLeft: Rect = { x: -1920, y: 0, width: 1920, height: 1050 };

describe('restoreWindowPlacement', () => {
  it('opens a first window at the default size, centred by the OS', () => {
    expect(restoreWindowPlacement(null, [monitorRight])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
  });

  it('shrinks the default size to a small primary display', () => {
    expect(restoreWindowPlacement(null, [{ x: 0, y: 0, width: 1280, height: 720 }])).toEqual({
      width: 1280,
      height: 720,
      maximized: false,
    });
  });

  it('keeps a window exactly where it was when that place is still on screen', () => {
    const saved = { x: 1600, y: 100, width: 1200, height: 800, maximized: false };
    expect(restoreWindowPlacement(saved, [laptop, monitorRight])).toEqual(saved);
  });

  it('brings a window saved on a monitor that is gone back onto the primary display, centred', () => {
    const saved = { x: 1600, y: 100, width: 1200, height: 800, maximized: true };
    expect(restoreWindowPlacement(saved, [laptop])).toEqual({ width: 1200, height: 800, maximized: true });
  });

  it('brings back a window on a monitor left of the primary that is gone (negative coordinates)', () => {
    const saved = { x: -1500, y: 50, width: 1000, height: 700, maximized: false };
    expect(restoreWindowPlacement(saved, [laptop]).x).toBeUndefined();
    expect(restoreWindowPlacement(saved, [laptop, monitorLeft])).toEqual(saved);
  });

  it('nudges a window that hangs over an edge fully inside the display that shows its title bar', () => {
    const saved = { x: 1000, y: 300, width: 800, height: 700, maximized: false };
    expect(restoreWindowPlacement(saved, [laptop])).toEqual({
      x: 640,
      y: 175,
      width: 800,
      height: 700,
      maximized: false,
    });
  });

  it('does not count a window whose title bar is above every display as visible', () => {
    const saved = { x: 100, y: -500, width: 800, height: 600, maximized: false };
    expect(restoreWindowPlacement(saved, [laptop]).y).toBeUndefined();
  });

  it('does not count a sliver of a few pixels as visible', () => {
    const saved = { x: 1430, y: 100, width: 900, height: 600, maximized: false };
    expect(restoreWindowPlacement(saved, [laptop]).x).toBeUndefined();
  });

  it('never makes a window larger than the display it lands on', () => {
    const saved = { x: 1500, y: 0, width: 2500, height: 1400, maximized: false };
    const placed = restoreWindowPlacement(saved, [laptop, monitorRight]);
    expect(placed).toEqual({ x: 1500, y: 0, width: 2500, height: 1400, maximized: false });
    expect(restoreWindowPlacement(saved, [laptop])).toEqual({ width: 1440, height: 875, maximized: false });
  });

  it('places the window on the display that shows most of it', () => {
    const saved = { x: 1000, y: 0, width: 1200, height: 800, maximized: false };
    expect(restoreWindowPlacement(saved, [laptop, monitorRight])).toMatchObject({ x: 1440 });
  });

  it('uses the saved size when no display is known', () => {
    const saved = { x: 5, y: 5, width: 900, height: 700, maximized: false };
    expect(restoreWindowPlacement(saved, [])).toEqual({ width: 900, height: 700, maximized: false });
  });
});

describe('captureWindowState', () => {
  it('rounds fractional bounds (HiDPI scaling) and keeps the maximized flag', () => {
    expect(captureWindowState({ x: 10.4, y: 20.6, width: 1000.5, height: 0 }, true)).toEqual({
      x: 10,
      y: 21,
      width: 1001,
      height: 1,
      maximized: true,
    });
  });
});
