import { useEffect, useRef } from 'react';
import type { TokenChunk, TokenPhase, TokenSource } from './tokenStream';

/** Phases the strategy inserts; the switch from thinking into one of them is the window cut. */
const CUT_PHASES: ReadonlySet<TokenPhase> = new Set(['hint', 'cue']);

/**
 * The sample being generated, as it streams. Tokens arrive far faster than frames, so they are
 * buffered and written straight into the DOM once per animation frame: no React state changes
 * per token, so neither this component nor the notebook around it re-renders while it streams.
 */
export function LiveSampleView({ source, label }: { source: TokenSource; label: string }) {
  const box = useRef<HTMLPreElement>(null);
  const counter = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const node = box.current!;
    node.replaceChildren();
    const pending: TokenChunk[] = [];
    let frame = 0;
    let lastPhase: TokenPhase | null = null;
    let lastSpan: HTMLSpanElement | null = null;
    let chunks = 0;

    const flush = () => {
      frame = 0;
      const stickToBottom = node.scrollHeight - node.scrollTop - node.clientHeight < 24;
      // Build the frame's new nodes off-document, then attach them in one go.
      const fragment = document.createDocumentFragment();
      let text = '';
      const closeRun = () => {
        if (!text) return;
        if (lastSpan && lastSpan.isConnected && fragment.childNodes.length === 0) lastSpan.append(text);
        else {
          lastSpan = document.createElement('span');
          lastSpan.className = `phase phase-${lastPhase}`;
          lastSpan.textContent = text;
          fragment.append(lastSpan);
        }
        text = '';
      };
      for (const chunk of pending) {
        if (chunk.phase !== lastPhase) {
          closeRun();
          if (lastPhase === 'thinking' && CUT_PHASES.has(chunk.phase)) {
            const mark = document.createElement('span');
            mark.className = 'window-cut';
            mark.setAttribute('role', 'note');
            mark.textContent = `✂ window cut at ${chunks} tokens`;
            fragment.append(mark);
          }
          lastPhase = chunk.phase;
          lastSpan = null;
        }
        text += chunk.text;
        chunks++;
      }
      closeRun();
      pending.length = 0;
      if (fragment.childNodes.length > 0) node.append(fragment);
      if (counter.current) counter.current.textContent = `${chunks} tokens`;
      if (stickToBottom) node.scrollTop = node.scrollHeight;
    };

    const unsubscribe = source((chunk) => {
      pending.push(chunk);
      if (!frame) frame = requestAnimationFrame(flush);
    });
    return () => {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [source]);

  return (
    <div className="live-sample" aria-label={label}>
      <div className="live-sample-header">
        <span>{label}</span>
        <span ref={counter} className="muted" data-testid="live-token-count" />
        <span className="legend">
          <span className="phase phase-thinking">thinking</span> <span className="phase phase-hint">hint</span>{' '}
          <span className="phase phase-answer">answer</span>
        </span>
      </div>
      <pre ref={box} className="live-sample-text" data-testid="live-sample" aria-live="off" />
    </div>
  );
}
