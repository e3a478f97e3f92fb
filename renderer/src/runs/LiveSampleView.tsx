import { useEffect, useRef } from 'react';
import type { TokenChunk, TokenPhase, TokenSource } from './tokenStream';

/** Phases the strategy inserts; the switch from thinking into one of them is the window cut. */
const CUT_PHASES: ReadonlySet<TokenPhase> = new Set(['hint', 'cue']);

/**
 * Text is kept in blocks of about this many characters, split at a line break: appending to a
 * block makes the browser lay out that block again, so a block that grew with the whole sample
 * (20k tokens) would cost more every frame.
 */
const BLOCK_CHARS = 2000;

/**
 * The sample being generated, as it streams. Tokens arrive far faster than frames, so they are
 * buffered and written straight into the DOM once per animation frame: no React state changes
 * per token, so neither this component nor the notebook around it re-renders while it streams.
 */
export function LiveSampleView({
  source,
  label,
  branches,
}: {
  source: TokenSource;
  label: string;
  /**
   * Names of the branches in the order they stream (`W=16`, `W=32` … for a sweep: branchLabels.ts).
   * Given, each window's hint and answer show as a labelled branch beside the thinking, which is
   * shown once and goes on after it; without, the cut is marked inline.
   */
  branches?: readonly string[];
}) {
  const box = useRef<HTMLPreElement>(null);
  const counter = useRef<HTMLSpanElement>(null);
  const sampleName = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const node = box.current!;
    node.replaceChildren();
    const pending: TokenChunk[] = [];
    let frame = 0;
    // Characters, not tokens: the engine coalesces tokens into events (about 30 per second).
    let characters = 0;
    let phase: TokenPhase | null = null;
    let block: HTMLDivElement | null = null;
    let blockChars = 0;
    let span: HTMLSpanElement | null = null;
    // Where text goes: the sample itself, or the branch a window's hint and answer stream into.
    let container: HTMLElement = node;
    let branch = 0;

    const newBlock = () => {
      block = document.createElement('div');
      block.className = 'stream-block';
      container.append(block);
      blockChars = 0;
      span = null;
    };
    const write = (text: string) => {
      if (!block) newBlock();
      if (!span) {
        span = document.createElement('span');
        span.className = `phase phase-${phase}`;
        block!.append(span);
      }
      span.append(text);
      blockChars += text.length;
    };
    const append = (text: string) => {
      const lineBreak = blockChars + text.length > BLOCK_CHARS ? text.lastIndexOf('\n') : -1;
      if (lineBreak < 0) return write(text);
      write(text.slice(0, lineBreak + 1));
      newBlock();
      if (lineBreak + 1 < text.length) write(text.slice(lineBreak + 1));
    };

    const flush = () => {
      frame = 0;
      const stickToBottom = node.scrollHeight - node.scrollTop - node.clientHeight < 24;
      let text = '';
      for (const chunk of pending) {
        if (chunk.sample !== undefined) {
          // A new sample: drop the previous one (anything still unwritten of it goes too).
          node.replaceChildren();
          block = null;
          span = null;
          phase = null;
          characters = 0;
          text = '';
          container = node;
          branch = 0;
          if (sampleName.current) sampleName.current.textContent = chunk.sample;
        }
        if (chunk.phase !== phase) {
          if (text) append(text);
          text = '';
          if (phase === 'thinking' && CUT_PHASES.has(chunk.phase)) {
            const mark = document.createElement('span');
            mark.className = 'window-cut';
            mark.setAttribute('role', 'note');
            if (branches) {
              // A branch of its own: the shared thinking above goes on after it.
              const name = branches[branch] ?? `branch ${branch + 1}`;
              branch++;
              container = document.createElement('div');
              container.className = 'stream-branch';
              container.dataset.branch = name;
              node.append(container);
              mark.textContent = `✂ ${name}: the window cut here; this branch answers, the thinking goes on below`;
              block = null;
            } else mark.textContent = '✂ window cut';
            mark.title = 'The window ended the thinking here; the hint follows.';
            if (!block) newBlock();
            block!.append(mark);
          } else if (chunk.phase === 'thinking' && container !== node) {
            container = node;
            block = null;
          }
          phase = chunk.phase;
          span = null;
        }
        text += chunk.text;
        characters += chunk.text.length;
      }
      if (text) append(text);
      pending.length = 0;
      if (counter.current) counter.current.textContent = `${characters} characters`;
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
  }, [source, branches]);

  return (
    <div className="live-sample" aria-label={label}>
      <div className="live-sample-header">
        <span>{label}</span>
        <span ref={sampleName} className="muted" data-testid="live-sample-key" />
        <span ref={counter} className="muted" data-testid="live-length" />
        <span className="legend">
          <span className="phase phase-thinking">thinking</span> <span className="phase phase-hint">hint</span>{' '}
          <span className="phase phase-answer">answer</span>
        </span>
      </div>
      <pre ref={box} className="live-sample-text" data-testid="live-sample" aria-live="off" />
    </div>
  );
}
