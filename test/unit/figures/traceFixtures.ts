import type { SampleTrace } from '../../../renderer/src/figures/traceFigure';

/**
 * 18 tokens: thinking 0–5, an inserted "Wait" 6–7, thinking 8–11, the inserted hint 12–14 after
 * the window cut, the answer 15–17. A probe at token 4 was discarded, the one at 10 exited.
 */
export function knownTrace(): SampleTrace {
  const generated = (i: number) => !((i >= 6 && i < 8) || (i >= 12 && i < 15));
  return {
    confidence: Array.from({ length: 18 }, (_, i) => (generated(i) ? 1 + i / 10 : null)),
    entropy: Array.from({ length: 18 }, (_, i) => (generated(i) ? 2 - i / 10 : null)),
    spans: [
      { phase: 'thinking', inserted: false, start: 0, end: 6 },
      { phase: 'wait', inserted: true, start: 6, end: 8 },
      { phase: 'thinking', inserted: false, start: 8, end: 12 },
      { phase: 'hint', inserted: true, start: 12, end: 15 },
      { phase: 'answer', inserted: false, start: 15, end: 16 },
      { phase: 'answer', inserted: false, start: 16, end: 18 },
    ],
    cutIndex: 12,
    probes: [
      { atIndex: 4, tokens: 5, score: 0.4, exited: false },
      { atIndex: 10, tokens: 6, score: 0.95, exited: true },
    ],
  };
}
