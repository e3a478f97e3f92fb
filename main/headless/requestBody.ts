import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'aborted' };

export interface BodyLimits {
  /** Bodies above this many bytes are refused (413). */
  maxBytes: number;
  /**
   * After the limit, the rest is read and dropped up to this many bytes more, so that the client
   * has sent its request when the 413 comes and reads it, instead of a reset that a close with
   * unread bytes causes. A client that keeps sending past it is cut off.
   */
  drainBytes: number;
  drainMs: number;
}

/**
 * Reads a request body up to `maxBytes`. A declared Content-Length over the limit is refused
 * without buffering a byte; an undeclared (chunked) body is refused as soon as it passes it.
 */
export function readRequestBody(request: IncomingMessage, limits: BodyLimits): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    let chunks: Buffer[] | null = declared > limits.maxBytes ? null : [];
    let size = 0;
    let settled = false;
    let drainTimer: NodeJS.Timeout | null = null;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      if (drainTimer) clearTimeout(drainTimer);
      resolve(result);
    };
    const startDraining = () => {
      chunks = null;
      drainTimer = setTimeout(() => settle({ ok: false, reason: 'too-large' }), limits.drainMs);
    };
    if (chunks === null) startDraining();
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (chunks === null) {
        if (size > limits.maxBytes + limits.drainBytes) settle({ ok: false, reason: 'too-large' });
        return;
      }
      if (size > limits.maxBytes) return startDraining();
      chunks.push(chunk);
    });
    request.on('end', () =>
      settle(
        chunks === null
          ? { ok: false, reason: 'too-large' }
          : { ok: true, text: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    request.on('error', () => settle({ ok: false, reason: 'aborted' }));
    request.on('close', () => settle({ ok: false, reason: 'aborted' }));
  });
}
