import type { Phase } from '../strategies/SampleRun';

/** How often streamed text is sent at most, per sample: smooth for a live view, light on IPC. */
const FLUSH_INTERVAL_MS = 33;

/**
 * Coalesces a sample's streamed text into `engine.token` events: one event per phase change and
 * at most one per interval, so a fast model does not flood the transport.
 */
export class TokenStream {
  private phase: Phase | null = null;
  private text = '';
  private lastFlush = 0;

  constructor(private readonly send: (phase: Phase, text: string) => void) {}

  push(phase: Phase, text: string): void {
    if (this.phase !== null && phase !== this.phase) this.flush();
    this.phase = phase;
    this.text += text;
    const now = performance.now();
    if (now - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush(now);
  }

  flush(now = performance.now()): void {
    if (this.phase !== null && this.text.length > 0) this.send(this.phase, this.text);
    this.text = '';
    this.lastFlush = now;
  }
}
