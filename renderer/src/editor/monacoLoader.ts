import type { Monaco } from './monacoSetup';

let loading: Promise<Monaco> | null = null;

/** Loads Monaco once, on first use (it is a separate chunk, kept out of the first paint). */
export function loadMonaco(): Promise<Monaco> {
  loading ??= import('./monacoSetup').then((module) => module.monaco);
  return loading;
}
