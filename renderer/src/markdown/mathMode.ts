import { useSyncExternalStore } from 'react';

/** Whether problems and answers show their LaTeX typeset or as written; one choice for the whole app, remembered. */
export type MathMode = 'rendered' | 'raw';

const KEY = 'z1wb.mathMode';
const listeners = new Set<() => void>();

function read(): MathMode {
  try {
    return localStorage.getItem(KEY) === 'raw' ? 'raw' : 'rendered';
  } catch {
    return 'rendered';
  }
}

export function setMathMode(mode: MathMode): void {
  localStorage.setItem(KEY, mode);
  for (const listener of listeners) listener();
}

export function useMathMode(): MathMode {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, read);
}

/**
 * An answer as Markdown source for the renderer: answers are usually bare LaTeX (`\frac{1}{2}`,
 * `x^2`), so one without `$` that contains a command, a script or braces is typeset as inline math.
 */
export function answerMarkdown(answer: string): string {
  if (answer.includes('$') || !/[\\^_{}]/.test(answer)) return answer;
  return `$${answer.replace(/\n/g, ' ')}$`;
}
